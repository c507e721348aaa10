package com.skyriff.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.skyriff.data.guard.RefusedStatementException;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Statements that span shards (and month tables), differentially: each runs three ways, through the layer with the
 * single-shard path on (its default), with it off, and on one plain PostgreSQL database holding the same rows. An
 * allow-listed shape must return exactly the plain database's rows on both layer paths (in order where the statement
 * orders, as a multiset otherwise); every other shape must be refused on both, with a {@link RefusedStatementException}
 * naming the construct ({@code "<table>: <construct> across shards is refused ..."}). docs/reliability.md's table of
 * refused constructs must be exactly the set this suite proves refused. Topology: 2 shards (primaries only, so reads
 * see the rows just written), months 2026-09..2027-01 with rows in September, October and November, December and
 * January empty; NULLs in aggregated, grouped and ordered columns; {@code notes} has rows on one shard only. Text
 * ordering is the test databases' C collation (see docs/reliability.md on collations).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrossShardIT {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    static final String SCHEMA = """
            CREATE TABLE users (user_id bigint PRIMARY KEY, name text NOT NULL, score int, region text,
                balance numeric(12, 2), points bigint, joined timestamptz);
            CREATE TABLE videos (user_id bigint NOT NULL, video_id bigint NOT NULL, title text NOT NULL, "window" text,
                PRIMARY KEY (user_id, video_id));
            CREATE TABLE watch_event (event_id bigint NOT NULL, user_id bigint NOT NULL, video_id bigint NOT NULL,
                created_at timestamptz NOT NULL, seconds int, PRIMARY KEY (event_id, created_at));
            CREATE TABLE notes (user_id bigint NOT NULL, n int NOT NULL, body text NOT NULL, PRIMARY KEY (user_id, n));
            CREATE TABLE regions (code text PRIMARY KEY, name text NOT NULL);
            CREATE TABLE app_config (k text PRIMARY KEY, v text NOT NULL);
            ALTER TABLE users ADD COLUMN iname text COLLATE "en-x-icu", ADD COLUMN tag uuid, ADD COLUMN f float8,
                ADD COLUMN code char(3), ADD COLUMN small smallint, ADD COLUMN n3 numeric(10, 3);
            """;
    static final Timestamp SEP = at("2026-09-01T00:00:00Z");
    static final Timestamp OCT = at("2026-10-01T00:00:00Z");
    static final Timestamp NOV = at("2026-11-01T00:00:00Z");
    static final Timestamp DEC = at("2026-12-01T00:00:00Z");
    static final Timestamp FEB = at("2027-02-01T00:00:00Z");
    static final Pattern REFUSAL = Pattern.compile("^(users|videos|watch_event|notes): (.+?) across shards is refused"
            + " \\(the (SELECT|UPDATE|DELETE) spans \\d+ shard tables[^)]*\\): .+; .+");

    /** Text in the ICU collation en-x-icu: case, accents and punctuation order differently from Java's compareTo. */
    static final String[] ICU_NAMES = {"apple", "Banana", "cherry", "_under", "Zeta", "\u00e9clair", "eclair", "b"};
    /**
     * Text in the C collation: a supplementary character (U+1F600, a surrogate pair in Java) and a character of
     * U+E000..U+FFFF (U+FF21): PostgreSQL orders code points, Java's compareTo UTF-16 units.
     */
    static final String[] C_NAMES = {"n1", "N2", "\ud83d\ude00", "\uff21", "n4", "_x", "N6"};

    static SkyriffData on;
    static SkyriffData off;
    static Rules rules;
    static Connection onConn;
    static Connection offConn;
    static Connection ref;
    /** The constructs this suite saw refused, as the messages name them. */
    static final Set<String> refused = Collections.synchronizedSet(new TreeSet<>());

    @BeforeAll
    static void start() throws SQLException {
        TestDatabase onDb = LocalTopology.shared().createDatabase("crossshard_on");
        TestDatabase offDb = LocalTopology.shared().createDatabase("crossshard_off");
        TestDatabase refDb = LocalTopology.shared().createDatabase("crossshard_ref");
        PgNode refNode = refDb.shards().get(0).primary();
        exec(refNode, SCHEMA);
        for (TestDatabase db : List.of(onDb, offDb)) {
            for (PgShard s : db.shards()) {
                exec(s.primary(), SCHEMA);
            }
        }
        rules = rules(onDb, true);
        on = SkyriffData.builder().rules(rules).clock(CLOCK).build();
        off = SkyriffData.builder().rules(rules(offDb, false)).clock(CLOCK).build();
        ref = DriverManager.getConnection(refNode.jdbcUrl() + "?stringtype=unspecified", refNode.user(),
                refNode.password());
        onConn = on.dataSource().getConnection();
        offConn = off.dataSource().getConnection();
        String notesShard = rules.buckets().shardOf(1);
        for (Connection c : List.of(onConn, offConn, ref)) {
            load(c, notesShard);
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        for (AutoCloseable c : Arrays.asList(onConn, offConn, ref, on, off)) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new SQLException(e);
                }
            }
        }
    }

    static Rules rules(TestDatabase db, boolean singleShardPath) {
        Rules.Builder b = Rules.builder().name(db.name()).bucketCount(64).createMissingMonths(true).clock(CLOCK)
                .singleShardPath(singleShardPath);
        int i = 0;
        for (PgShard s : db.shards()) {
            b.shard(new ShardSpec(s.name(), NodeSpec.of(s.primary().jdbcUrl(), s.primary().user(),
                    s.primary().password()), List.of(), null, List.of(BucketRange.of(i * 32, i * 32 + 31))));
            i++;
        }
        return b.table(TableSpec.user("users", "user_id").withFullScanAllowed())
                .table(TableSpec.user("videos", "user_id").withFullScanAllowed())
                .table(TableSpec.userMonth("watch_event", "user_id", "created_at", YearMonth.of(2026, 9), 2)
                        .withFullScanAllowed())
                .table(TableSpec.user("notes", "user_id").withFullScanAllowed())
                .table(TableSpec.broadcast("regions"))
                .table(TableSpec.single("app_config"))
                .build();
    }

    static void load(Connection c, String notesShard) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("INSERT INTO users (user_id, name, score, region, balance,"
                + " points, joined) VALUES (?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement v = c.prepareStatement("INSERT INTO videos (user_id, video_id, title, \"window\")"
                     + " VALUES (?, ?, ?, ?)");
             PreparedStatement w = c.prepareStatement("INSERT INTO watch_event (event_id, user_id, video_id,"
                     + " created_at, seconds) VALUES (?, ?, ?, ?, ?)");
             PreparedStatement n = c.prepareStatement("INSERT INTO notes (user_id, n, body) VALUES (?, ?, ?)");
             PreparedStatement extras = c.prepareStatement("UPDATE users SET iname = ?, tag = ?, f = ?, code = ?,"
                     + " small = ?, n3 = ?, name = ? WHERE user_id = ?");
             Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO regions (code, name) VALUES ('eu', 'Europe'), ('us', 'Americas'),"
                    + " ('ap', 'Asia'), ('af', 'Africa')");
            s.executeUpdate("INSERT INTO app_config (k, v) VALUES ('eu', 'one'), ('us', 'two')");
            String[] regions = {"eu", "us", "ap"};
            for (long user = 1; user <= 24; user++) {
                u.setLong(1, user);
                u.setString(2, (user % 2 == 0 ? "N" : "n") + user % 7);
                if (user % 5 == 0) {
                    u.setNull(3, Types.INTEGER);
                } else {
                    u.setInt(3, (int) (user * 37 % 11));
                }
                if (user % 7 == 0) {
                    u.setNull(4, Types.VARCHAR);
                } else {
                    u.setString(4, regions[(int) (user % 3)]);
                }
                u.setBigDecimal(5, user % 6 == 0 ? null : new BigDecimal(user).multiply(new BigDecimal("1.25")));
                u.setLong(6, user * 40_000_000_000_000_000L);   // their sum is beyond a long's range
                if (user % 4 == 0) {
                    u.setNull(7, Types.TIMESTAMP_WITH_TIMEZONE);
                } else {
                    u.setTimestamp(7, Timestamp.from(Instant.parse("2025-01-01T00:00:00Z").plusSeconds(user * 86_400
                            * (user % 3 + 1))));
                }
                u.executeUpdate();
                extras.setString(1, ICU_NAMES[(int) (user % ICU_NAMES.length)]);
                extras.setObject(2, java.util.UUID.fromString((user % 2 == 0 ? "f" : "0") + "000000" + user % 10
                        + "-0000-4000-8000-000000000000"));
                extras.setDouble(3, user % 3 == 0 ? -0.0d : user % 3 == 1 ? 0.0d : 1.5d);
                extras.setString(4, user % 3 == 0 ? "a" : "a\t");
                extras.setShort(5, (short) (user % 4));
                extras.setBigDecimal(6, new BigDecimal(user).divide(new BigDecimal(8)));
                extras.setString(7, C_NAMES[(int) (user % C_NAMES.length)]);
                extras.setLong(8, user);
                extras.executeUpdate();
                for (int k = 1; k <= 3; k++) {
                    v.setLong(1, user);
                    v.setLong(2, k);
                    v.setString(3, "t" + (k + user) % 4);
                    v.setString(4, k == 2 ? "UNION" : "w" + k);
                    v.executeUpdate();
                }
                for (int m = 0; m < 3; m++) {
                    for (int k = 0; k < 2; k++) {
                        w.setLong(1, user * 100 + m * 10 + k);
                        w.setLong(2, user);
                        w.setLong(3, (user + k + m) % 5 + 1);
                        w.setTimestamp(4, Timestamp.from(Instant.parse("2026-09-03T08:00:00Z")
                                .atZone(ZoneOffset.UTC).plusMonths(m).plusDays(k * 9L + user % 5).toInstant()));
                        if ((user + k + m) % 6 == 0) {
                            w.setNull(5, Types.INTEGER);
                        } else {
                            w.setInt(5, (int) ((user * 7 + k * 13 + m * 3) % 50));
                        }
                        w.executeUpdate();
                    }
                }
                if (rules.buckets().shardOf(user).equals(notesShard)) {
                    for (int k = 1; k <= 2; k++) {
                        n.setLong(1, user);
                        n.setInt(2, k);
                        n.setString(3, "note " + user + "/" + k);
                        n.executeUpdate();
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the statements

    /** A statement of the suite: {@code construct} null for an allow-listed shape, else the construct refused. */
    record Case(String name, String construct, boolean ordered, String sql, List<Object> params) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case ok(String name, String sql, Object... params) {
        return new Case(name, null, false, sql, Arrays.asList(params));
    }

    static Case ordered(String name, String sql, Object... params) {
        return new Case(name, null, true, sql, Arrays.asList(params));
    }

    static Case no(String construct, String sql, Object... params) {
        return new Case(construct + ": " + sql, construct, false, sql, Arrays.asList(params));
    }

    static final String MONTHS = " created_at >= ? AND created_at < ?";

    static long otherShardThan(long user) {
        for (long u = user + 1; ; u++) {
            if (!rules.buckets().shardOf(u).equals(rules.buckets().shardOf(user))) {
                return u;
            }
        }
    }

    static Stream<Arguments> statements() {
        List<Case> c = new ArrayList<>();
        // plain filters and per-row expressions
        c.add(ok("plain filter", "SELECT user_id, name FROM users WHERE score > 3 AND region = 'eu'"));
        c.add(ok("per-row expressions", "SELECT user_id, upper(name), score * 2, CASE WHEN score > 5 THEN 'hi' ELSE"
                + " 'lo' END, coalesce(region, '-') FROM users WHERE region IS NOT NULL OR score IS NULL"));
        c.add(ok("keys on two shards", "SELECT user_id, name FROM users WHERE user_id IN (?, ?, ?)", 1L, 2L,
                otherShardThan(1)));
        c.add(ok("a column named window, literals naming constructs", "SELECT user_id, \"window\", 'UNION' AS u,"
                + " 'avg(x) OVER (y)' AS o FROM videos WHERE \"window\" = 'UNION' AND title <> 'HAVING'"));
        c.add(ok("month range across shards", "SELECT event_id, video_id FROM watch_event WHERE" + MONTHS, OCT, DEC));
        c.add(ok("BETWEEN on the time column", "SELECT count(*) FROM watch_event WHERE created_at BETWEEN ? AND ?",
                at("2026-09-20T00:00:00Z"), at("2026-11-10T00:00:00Z")));
        // ORDER BY, LIMIT, OFFSET
        c.add(ordered("ORDER BY LIMIT", "SELECT user_id, score FROM users ORDER BY score DESC NULLS LAST, user_id"
                + " LIMIT 5"));
        c.add(ordered("ORDER BY LIMIT OFFSET", "SELECT user_id, name FROM users ORDER BY user_id LIMIT 4 OFFSET 6"));
        c.add(ordered("ORDER BY OFFSET LIMIT, parameters", "SELECT user_id FROM users ORDER BY score, user_id"
                + " LIMIT ? OFFSET ?", 5, 3));
        c.add(ordered("ORDER BY OFFSET alone", "SELECT user_id FROM users ORDER BY user_id OFFSET 20"));
        c.add(ordered("OFFSET past the end", "SELECT user_id FROM users ORDER BY user_id LIMIT 5 OFFSET 100"));
        c.add(ordered("FETCH FIRST without OFFSET", "SELECT user_id FROM users ORDER BY user_id DESC FETCH FIRST 3"
                + " ROWS ONLY"));
        c.add(ordered("ORDER BY a column not selected", "SELECT name FROM users ORDER BY user_id DESC LIMIT 3"));
        c.add(ordered("ORDER BY with NULLs ascending (NULLS LAST)", "SELECT user_id, score FROM users ORDER BY score,"
                + " user_id"));
        c.add(ordered("ORDER BY with NULLs descending (NULLS FIRST)", "SELECT user_id, joined FROM users ORDER BY"
                + " joined DESC, user_id"));
        c.add(ordered("ORDER BY NULLS FIRST ascending", "SELECT user_id, score FROM users ORDER BY score NULLS FIRST,"
                + " user_id LIMIT 8"));
        // text, uuid, float: ShardingSphere compares them in Java (see docs/reliability.md, "Text and other types")
        c.add(no("ORDER BY text", "SELECT name, user_id FROM users ORDER BY name, user_id"));
        c.add(no("ORDER BY text", "SELECT iname, user_id FROM users ORDER BY iname, user_id"));
        c.add(no("ORDER BY text", "SELECT user_id FROM users ORDER BY lower(name), user_id"));
        c.add(no("ORDER BY text", "SELECT user_id, code FROM users ORDER BY code, user_id"));
        c.add(no("ORDER BY text", "SELECT DISTINCT iname FROM users ORDER BY iname"));
        c.add(no("ORDER BY text", "SELECT upper(iname) AS u, user_id FROM users ORDER BY u, user_id"));
        c.add(no("ORDER BY text", "SELECT u.user_id, r.name FROM users u JOIN regions r ON r.code = u.region ORDER BY"
                + " r.name, u.user_id"));
        c.add(no("min() or max() of text", "SELECT min(iname) AS a, max(iname) AS b FROM users"));
        c.add(no("min() or max() of text", "SELECT min(name) AS a, max(name) AS b FROM users"));
        c.add(no("min() or max() of text", "SELECT region, count(*) AS n, max(name) AS m FROM users GROUP BY region"
                + " ORDER BY n DESC"));
        c.add(no("GROUP BY or DISTINCT of text without ORDER BY", "SELECT iname, count(*) AS n FROM users GROUP BY iname"));
        c.add(no("GROUP BY or DISTINCT of text without ORDER BY", "SELECT name, count(*) AS n FROM users GROUP BY name"));
        c.add(no("GROUP BY or DISTINCT of text without ORDER BY", "SELECT u.region, count(*), sum(w.seconds) FROM users u JOIN"
                + " watch_event w ON w.user_id = u.user_id WHERE w.created_at >= ? AND w.created_at < ? GROUP BY"
                + " u.region", SEP, DEC));
        c.add(ok("GROUP BY text ORDER BY a count", "SELECT iname, count(*) AS n FROM users GROUP BY iname ORDER BY"
                + " n DESC"));
        c.add(no("GROUP BY or DISTINCT of text without ORDER BY", "SELECT DISTINCT iname FROM users"));
        c.add(no("GROUP BY or DISTINCT of text without ORDER BY", "SELECT DISTINCT region FROM users"));
        c.add(ok("DISTINCT text ORDER BY a number (rows in any order among equal scores)", "SELECT DISTINCT iname,"
                + " score FROM users ORDER BY score"));
        c.add(no("count(DISTINCT x) of a non-bigint x", "SELECT count(DISTINCT iname) AS a FROM users"));
        c.add(ok("text filters", "SELECT user_id, iname, name FROM users WHERE iname > 'b' AND name < 'n'"));
        c.add(no("ORDER BY, GROUP BY, min() or max() of this type", "SELECT user_id, tag FROM users ORDER BY tag"));
        c.add(no("ORDER BY, GROUP BY, min() or max() of this type", "SELECT user_id, f FROM users ORDER BY f, user_id"));
        c.add(no("ORDER BY, GROUP BY, min() or max() of this type", "SELECT f, count(*) AS n FROM users GROUP BY f"));
        c.add(no("ORDER BY, GROUP BY, min() or max() of this type", "SELECT min(f) AS a FROM users"));
        c.add(ordered("ORDER BY a float cast to numeric", "SELECT user_id FROM users ORDER BY f::numeric, user_id"));
        c.add(no("ORDER BY, GROUP BY, min() or max() of an expression of unknown type", "SELECT user_id FROM users ORDER BY"
                + " greatest(score, 3), user_id"));
        c.add(ordered("ORDER BY an expression cast to its type", "SELECT user_id FROM users ORDER BY"
                + " greatest(score, 3)::int, user_id"));
        c.add(ordered("ORDER BY an expression", "SELECT user_id FROM users ORDER BY score * -1, user_id LIMIT 6"));
        c.add(ordered("ORDER BY position", "SELECT name, user_id FROM users ORDER BY 2 DESC LIMIT 4"));
        c.add(ordered("ORDER BY timestamp over months, LIMIT", "SELECT event_id, created_at FROM watch_event WHERE"
                + MONTHS + " ORDER BY created_at DESC, event_id LIMIT 7", SEP, DEC));
        c.add(ordered("ORDER BY timestamp over months, LIMIT OFFSET", "SELECT event_id FROM watch_event WHERE" + MONTHS
                + " ORDER BY created_at, event_id LIMIT 5 OFFSET 9", SEP, FEB));
        // aggregates
        c.add(ok("count sum min max with NULLs", "SELECT count(*) AS n, count(score) AS scored, sum(score), min(score),"
                + " max(score) FROM users"));
        c.add(no("two columns of one name with an aggregate", "SELECT count(*), count(score) FROM users"));
        c.add(ok("sum min max of numeric", "SELECT sum(balance), min(balance), max(balance) FROM users"));
        c.add(ok("sum of bigint beyond a long", "SELECT sum(points), max(points) FROM users"));
        c.add(ok("min max of timestamps over months", "SELECT min(created_at), max(created_at) FROM watch_event WHERE"
                + MONTHS, SEP, FEB));
        c.add(ok("min max of timestamps with NULLs", "SELECT min(joined), max(joined), count(joined) FROM users"));
        c.add(ok("aggregates over no rows", "SELECT count(*), sum(score), min(joined), max(score) FROM users WHERE"
                + " score > 1000"));
        c.add(ok("aggregates over empty months", "SELECT count(*), sum(seconds), max(created_at) FROM watch_event"
                + " WHERE" + MONTHS, DEC, FEB));
        c.add(ok("aggregates on a table empty on one shard", "SELECT count(*), sum(n), min(n) AS a, max(n) AS b FROM notes"));
        c.add(ok("rows of a table empty on one shard", "SELECT user_id, n, body FROM notes WHERE n = 2"));
        c.add(ok("count FILTER", "SELECT count(*) FILTER (WHERE score > 5) AS high, count(*) AS n FROM users"));
        c.add(ok("two count FILTERs", "SELECT count(*) FILTER (WHERE score > 5) AS high, count(*) FILTER (WHERE"
                + " score < 3) AS low FROM users"));
        c.add(ok("count DISTINCT", "SELECT count(DISTINCT video_id) FROM watch_event WHERE" + MONTHS, SEP, DEC));
        c.add(no("count(DISTINCT x) of a non-bigint x", "SELECT count(DISTINCT score) FROM users"));
        c.add(ok("count DISTINCT with NULLs, cast to bigint", "SELECT count(DISTINCT score::bigint) FROM users"));
        c.add(ordered("count DISTINCT per group", "SELECT score, count(DISTINCT points) FROM users GROUP BY score"
                + " ORDER BY score"));
        // GROUP BY
        c.add(ok("GROUP BY with a NULL group", "SELECT score, count(*), sum(points), min(user_id), max(joined) FROM"
                + " users GROUP BY score"));
        c.add(ordered("GROUP BY ORDER BY the group", "SELECT score, count(*) FROM users GROUP BY score ORDER BY"
                + " score"));
        c.add(ordered("GROUP BY ORDER BY aggregate LIMIT", "SELECT video_id, sum(seconds) s FROM watch_event WHERE"
                + MONTHS + " GROUP BY video_id ORDER BY s DESC NULLS LAST, video_id LIMIT 3", SEP, DEC));
        c.add(ordered("GROUP BY ORDER BY a selected count", "SELECT score, count(*) AS n FROM users GROUP BY score"
                + " ORDER BY count(*) DESC, score"));
        c.add(ordered("GROUP BY ORDER BY an alias, NULLS FIRST", "SELECT score, count(*) AS n FROM users GROUP BY"
                + " score ORDER BY n DESC, score NULLS FIRST"));
        c.add(no("ORDER BY an aggregate not in the select list", "SELECT region FROM users GROUP BY region ORDER BY"
                + " count(*) DESC, region"));
        c.add(ordered("GROUP BY an expression", "SELECT date_trunc('month', created_at) m, count(*), max(seconds)"
                + " FROM watch_event WHERE" + MONTHS + " GROUP BY date_trunc('month', created_at) ORDER BY m", SEP, FEB));
        c.add(ok("GROUP BY an expression and a column", "SELECT user_id % 3 AS b, video_id, count(*) FROM watch_event"
                + " WHERE" + MONTHS + " GROUP BY user_id % 3, video_id", OCT, DEC));
        c.add(no("GROUP BY an expression not selected with an alias", "SELECT user_id % 3, video_id, count(*) FROM"
                + " watch_event WHERE" + MONTHS + " GROUP BY user_id % 3, video_id", OCT, DEC));
        // DISTINCT
        c.add(ok("DISTINCT with a NULL", "SELECT DISTINCT score FROM users"));
        c.add(ordered("DISTINCT ORDER BY", "SELECT DISTINCT score FROM users ORDER BY score DESC"));
        c.add(ordered("DISTINCT two columns ORDER BY LIMIT", "SELECT DISTINCT score, user_id % 2 AS odd FROM users"
                + " ORDER BY score, odd LIMIT 6"));
        c.add(ok("DISTINCT over months", "SELECT DISTINCT video_id FROM watch_event WHERE" + MONTHS, SEP, DEC));
        // joins
        c.add(ok("join on the user id", "SELECT u.name, v.title FROM users u JOIN videos v ON v.user_id = u.user_id"
                + " WHERE v.video_id = 2"));
        c.add(ok("join USING the user id", "SELECT name, title FROM users JOIN videos USING (user_id) WHERE"
                + " video_id = 3"));
        c.add(ok("join with a broadcast table", "SELECT u.user_id, r.name FROM users u JOIN regions r ON"
                + " r.code = u.region"));
        c.add(ok("LEFT JOIN a broadcast table", "SELECT u.user_id, r.name FROM users u LEFT JOIN regions r ON"
                + " r.code = u.region"));
        c.add(ok("LEFT JOIN a user table on the user id", "SELECT u.user_id, count(n.n) FROM users u LEFT JOIN notes n"
                + " ON n.user_id = u.user_id GROUP BY u.user_id"));
        c.add(ok("join over months GROUP BY", "SELECT u.score, count(*), sum(w.seconds) FROM users u JOIN watch_event"
                + " w ON w.user_id = u.user_id WHERE w.created_at >= ? AND w.created_at < ? GROUP BY u.score", SEP, DEC));
        // refused: aggregates ShardingSphere cannot merge
        c.add(no("avg()", "SELECT avg(score) FROM users"));
        c.add(no("avg()", "SELECT region, avg(score) FROM users GROUP BY region"));
        c.add(no("string_agg()", "SELECT string_agg(name, ',' ORDER BY name) FROM users"));
        c.add(no("array_agg()", "SELECT array_agg(user_id ORDER BY user_id) FROM users"));
        c.add(no("json_agg()", "SELECT json_agg(name ORDER BY name)::text FROM users WHERE score > 8"));
        c.add(no("bool_or()", "SELECT bool_or(score > 9) FROM users"));
        c.add(no("stddev()", "SELECT round(stddev(score)::numeric, 6) FROM users"));
        c.add(no("percentile_cont()", "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY score) FROM users"));
        c.add(no("an aggregate inside an expression", "SELECT max(seconds) - min(seconds) FROM watch_event WHERE"
                + MONTHS, SEP, DEC));
        c.add(no("an aggregate inside an expression", "SELECT COALESCE(sum(score), 0) FROM users"));
        // refused: window functions, HAVING, DISTINCT ON
        c.add(no("a window function", "SELECT user_id, row_number() OVER (ORDER BY user_id) FROM users"));
        c.add(no("a window function", "SELECT event_id, sum(seconds) OVER (PARTITION BY video_id) FROM watch_event"
                + " WHERE" + MONTHS, SEP, DEC));
        c.add(no("a WINDOW clause", "SELECT user_id, rank() OVER w FROM users WINDOW w AS (ORDER BY score)"));
        c.add(no("HAVING", "SELECT region, count(*) FROM users GROUP BY region HAVING count(*) > 5"));
        c.add(no("DISTINCT ON", "SELECT DISTINCT ON (region) region, user_id FROM users ORDER BY region, user_id"));
        // refused: subqueries, set operations, CTEs
        c.add(no("a subquery", "SELECT name FROM users WHERE user_id IN (SELECT user_id FROM videos WHERE title = 't1')"));
        c.add(no("a subquery", "SELECT name FROM users WHERE score = (SELECT max(score) FROM users)"));
        c.add(no("a subquery", "SELECT u.name FROM users u WHERE NOT EXISTS (SELECT 1 FROM notes n WHERE"
                + " n.user_id = u.user_id)"));
        c.add(no("a subquery", "SELECT user_id, (SELECT count(*) FROM videos v WHERE v.user_id = u.user_id) FROM"
                + " users u"));
        c.add(no("a subquery in FROM", "SELECT count(*) FROM (SELECT DISTINCT region FROM users) t"));
        c.add(no("UNION", "SELECT video_id FROM watch_event WHERE" + MONTHS + " UNION SELECT video_id FROM"
                + " watch_event WHERE" + MONTHS, SEP, NOV, OCT, DEC));
        c.add(no("UNION ALL", "SELECT user_id FROM users UNION ALL SELECT user_id FROM notes"));
        c.add(no("INTERSECT", "SELECT user_id FROM users INTERSECT SELECT user_id FROM notes"));
        c.add(no("EXCEPT", "SELECT user_id FROM users EXCEPT SELECT user_id FROM notes"));
        c.add(no("WITH (a common table expression)", "WITH x AS (SELECT user_id FROM users WHERE score > 5)"
                + " SELECT count(*) FROM x"));
        // refused: paging
        c.add(no("OFFSET without ORDER BY", "SELECT user_id FROM users LIMIT 5 OFFSET 3"));
        c.add(no("OFFSET n ROWS FETCH FIRST m ROWS ONLY", "SELECT user_id FROM users ORDER BY user_id OFFSET 5 ROWS"
                + " FETCH FIRST 4 ROWS ONLY"));
        c.add(no("GROUP BY ROLLUP, CUBE or GROUPING SETS", "SELECT region, count(*) FROM users GROUP BY ROLLUP (region)"));
        // refused: joins that do not merge
        c.add(no("a join not on the user id", "SELECT a.user_id, b.user_id FROM users a JOIN users b ON"
                + " b.name = a.name"));
        c.add(no("a join of two month-split tables (or a self-join of one)", "SELECT a.event_id, b.event_id FROM"
                + " watch_event a JOIN watch_event b ON b.user_id = a.user_id AND b.video_id = a.video_id WHERE"
                + " a.created_at >= ? AND a.created_at < ? AND b.created_at >= ? AND b.created_at < ?", SEP, DEC, SEP, DEC));
        c.add(no("an outer join onto a month-split table", "SELECT u.user_id, count(w.event_id) FROM"
                + " users u LEFT JOIN watch_event w ON w.user_id = u.user_id AND w.created_at >= ? AND"
                + " w.created_at < ? GROUP BY u.user_id", SEP, DEC));
        c.add(no("an outer join from a broadcast table onto a sharded table", "SELECT r.code, count(u.user_id) FROM"
                + " regions r LEFT JOIN users u ON u.region = r.code GROUP BY r.code"));
        c.add(no("a join with a single or month table", "SELECT u.user_id, c.v FROM users u JOIN app_config c ON"
                + " c.k = u.region"));
        // refused: writes over several shard tables whose subquery each run would evaluate over its own table only
        c.add(no("a subquery in an UPDATE or DELETE", "UPDATE watch_event SET seconds = seconds WHERE" + MONTHS
                + " AND seconds = (SELECT max(seconds) FROM watch_event x WHERE x.created_at >= ? AND x.created_at < ?)",
                SEP, DEC, SEP, DEC));
        c.add(no("a subquery in an UPDATE or DELETE", "DELETE FROM videos WHERE title = 'none' AND user_id IN (SELECT"
                + " user_id FROM notes)"));
        c.add(no("FULL JOIN", "SELECT u.user_id, n.n FROM users u FULL JOIN notes n ON n.user_id = u.user_id"));
        return c.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statements")
    @Order(1)
    void statement_threeWays_sameRowsOrRefusedNamingTheConstruct(Case c) {
        Outcome expected = run(ref, c);
        assertThat((Object) expected.failure).as("%s on one PostgreSQL", c).isNull();
        assertThat(on.route(c.sql, c.params.toArray()).path()).as("%s leaves the single-shard path", c)
                .isNotEqualTo(StatementRoute.Path.SINGLE_SHARD);
        for (Connection layer : List.of(onConn, offConn)) {
            String how = layer == onConn ? "single-shard path on" : "single-shard path off";
            Outcome got = run(layer, c);
            if (c.construct == null) {
                if (got.failure != null) {
                    fail(c + " (" + how + ") failed: " + got.failure.getMessage(), got.failure);
                }
                assertThat(got.updates).as("%s (%s): update count", c, how).isEqualTo(expected.updates);
                if (c.ordered) {
                    assertThat(got.rows).as("%s (%s): the rows, in order", c, how).isEqualTo(expected.rows);
                } else {
                    assertThat(got.rows).as("%s (%s): the rows", c, how)
                            .containsExactlyInAnyOrderElementsOf(expected.rows);
                }
            } else {
                assertThat((Object) got.failure).as("%s (%s) is refused; rows %s", c, how, got.rows)
                        .isInstanceOf(RefusedStatementException.class);
                String message = got.failure.getMessage();
                Matcher m = REFUSAL.matcher(message);
                assertThat(m.matches()).as("%s (%s): message shape: %s", c, how, message).isTrue();
                assertThat(m.group(2)).as("%s (%s): the construct named", c, how).isEqualTo(c.construct);
                assertThat(got.updates).as("%s (%s): nothing written", c, how).isEqualTo(-1);
                assertThat(((RefusedStatementException) got.failure).reason())
                        .isEqualTo(RefusedStatementException.Reason.UNSUPPORTED_CONSTRUCT);
                refused.add(c.construct);
            }
        }
    }

    @Test
    @Order(2)
    void limitWithoutOrderBy_returnsThatManyOfTheRows() throws SQLException {
        List<String> all = run(ref, ok("all", "SELECT user_id, name FROM users")).rows;
        for (Connection layer : List.of(onConn, offConn)) {
            Outcome got = run(layer, ok("limit", "SELECT user_id, name FROM users LIMIT 7"));
            assertThat((Object) got.failure).isNull();
            assertThat(got.rows).hasSize(7).doesNotHaveDuplicates();
            assertThat(all).containsAll(got.rows);
        }
    }

    @Test
    @Order(3)
    void forUpdateAcrossShards_inATransaction_locksAndReturnsTheRows() throws SQLException {
        Case c = ordered("FOR UPDATE", "SELECT user_id, name FROM users WHERE score = 3 ORDER BY user_id FOR UPDATE");
        List<String> expected = run(ref, c).rows;
        onConn.setAutoCommit(false);
        try {
            assertThat(run(onConn, c).rows).isEqualTo(expected).isNotEmpty();
        } finally {
            onConn.rollback();
            onConn.setAutoCommit(true);
        }
    }

    static Stream<Arguments> aggregates() {
        return Stream.of(
                "SELECT count(*) AS a, count(score) AS b FROM users",
                "SELECT count(DISTINCT score::bigint) AS c FROM users",
                "SELECT count(DISTINCT video_id) AS c FROM watch_event WHERE created_at >= ? AND created_at < ?",
                "SELECT sum(score) AS a, sum(points) AS b, sum(balance) AS c, sum(n3) AS d, sum(small) AS e FROM users",
                "SELECT min(score) AS a, max(points) AS b, min(balance) AS c, max(n3) AS d, min(small) AS e,"
                        + " max(joined) AS f FROM users",
                "SELECT sum(score) AS a, count(*) AS b, sum(n3) AS c FROM users WHERE score > 1000",
                "SELECT count(*) FILTER (WHERE score > 5) AS a, sum(points) FILTER (WHERE score > 5) AS b FROM users",
                "SELECT score, count(*) AS a, sum(points) AS b, sum(balance) AS c, max(n3) AS d FROM users GROUP BY score"
                        + " ORDER BY score",
                "SELECT score, count(*) AS a, sum(small) AS b, sum(n3) AS c FROM users GROUP BY score ORDER BY a DESC,"
                        + " score",
                "SELECT sum(seconds) AS a, count(*) AS b, max(created_at) AS c FROM watch_event WHERE created_at >= ?"
                        + " AND created_at < ?",
                "SELECT DISTINCT balance FROM users ORDER BY balance",
                "SELECT n3, balance FROM users ORDER BY n3 DESC, user_id LIMIT 5"
        ).map(Arguments::of);
    }

    /**
     * Every allowed aggregate shape answers with PostgreSQL's Java classes, values (numeric scale included) and
     * result set metadata: a merged count is a Long (bigint), a merged sum of int a Long, of bigint or numeric a
     * BigDecimal of the column's scale; column labels, types and type names as one PostgreSQL's.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("aggregates")
    @Order(10)
    void aggregate_threeWays_sameClassesValuesAndMetadata(String sql) throws SQLException {
        Object[] params = sql.contains("?") ? new Object[] {SEP, DEC} : new Object[0];
        List<String> expected = typed(ref, sql, params);
        for (Connection layer : List.of(onConn, offConn)) {
            assertThat(typed(layer, sql, params)).as("%s (%s)", sql, layer == onConn ? "path on" : "path off")
                    .isEqualTo(expected);
        }
    }

    /** The metadata of each column, then each row's values with their classes (BigDecimal's own text: its scale). */
    static List<String> typed(Connection c, String sql, Object... params) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    out.add(md.getColumnLabel(i) + " " + md.getColumnName(i) + " " + md.getColumnType(i) + " "
                            + md.getColumnTypeName(i) + " " + md.getColumnClassName(i) + " " + md.getScale(i));
                }
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        row.append(i > 1 ? "|" : "").append(v == null ? "null" : v.getClass().getSimpleName() + ":"
                                + (v instanceof Timestamp t ? t.toInstant() : v));
                    }
                    out.add(row.toString());
                }
            }
        }
        return out;
    }

    /**
     * EXPLAIN of a statement that spans shards would show one node's plan: refused, naming what to run instead (its
     * construct is in the documented table); an EXPLAIN ANALYZE of a write across shards runs nowhere (refused before
     * it runs: the rows stay one PostgreSQL's).
     */
    @Test
    @Order(8)
    void explainAcrossShards_refused_andExplainAnalyzeOfAWrite_changesNothing() {
        String rows = "SELECT user_id, score, name FROM users ORDER BY user_id";
        for (Connection layer : List.of(onConn, offConn)) {
            for (String sql : List.of("EXPLAIN SELECT user_id, score FROM users ORDER BY score, user_id",
                    "EXPLAIN (COSTS OFF) SELECT count(*) FROM watch_event WHERE created_at >= ? AND created_at < ?",
                    "EXPLAIN ANALYZE UPDATE users SET score = score + 100",
                    "EXPLAIN ANALYZE DELETE FROM videos WHERE video_id = 1")) {
                Outcome got = run(layer, ok("explain", sql, sql.contains("?") ? new Object[] {SEP, DEC} : new Object[0]));
                assertThat((Object) got.failure).as("%s; rows %s", sql, got.rows)
                        .isInstanceOf(RefusedStatementException.class);
                Matcher m = REFUSAL.matcher(got.failure.getMessage());
                assertThat(m.matches()).as("%s: message shape: %s", sql, got.failure.getMessage()).isTrue();
                assertThat(m.group(2)).isEqualTo("EXPLAIN");
                assertThat(got.failure.getMessage()).contains("SkyriffData.pools()");
                refused.add(m.group(2));
            }
            assertThat(run(layer, ordered("rows", rows)).rows).as("EXPLAIN ANALYZE wrote nothing")
                    .isEqualTo(run(ref, ordered("rows", rows)).rows);
            assertThat(run(layer, ok("videos", "SELECT count(*) FROM videos")).rows)
                    .isEqualTo(run(ref, ok("videos", "SELECT count(*) FROM videos")).rows);
            // the guard does not see the key of an explained statement: EXPLAIN through ShardingSphere is refused
            // for one user too, with the same advice (a node's pool)
            Outcome one = run(layer, ok("one user", "EXPLAIN SELECT name FROM users WHERE user_id = ?", 3L));
            assertThat((Object) one.failure).isInstanceOf(RefusedStatementException.class);
            assertThat(one.failure.getMessage()).contains("SkyriffData.pools()");
        }
    }

    /**
     * docs/reliability.md, "Refused across shards", lists exactly the constructs this suite proves refused: a
     * construct refused here and missing there, or listed there and refused by no case here, fails.
     */
    @Test
    @Order(9)
    void reliabilityDoc_refusedAcrossShards_isExactlyWhatTheSuiteRefuses() throws IOException {
        assertThat(refused).as("refusals seen (the parameterized cases ran first)").isNotEmpty();
        assertThat(documentedRefusals()).as("docs/reliability.md, \"Refused across shards\"")
                .containsExactlyInAnyOrderElementsOf(refused);
    }

    /** The first cells of the table under the heading "Refused across shards" in docs/reliability.md. */
    static List<String> documentedRefusals() throws IOException {
        Path doc = Path.of("..", "docs", "reliability.md");
        if (!Files.exists(doc)) {
            doc = Path.of("docs", "reliability.md");
        }
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(doc)) {
            if (line.startsWith("#")) {
                in = line.contains("Refused across shards");
                continue;
            }
            if (in && line.startsWith("|") && !line.startsWith("|---") && !line.startsWith("| construct ")) {
                String cell = line.substring(1, line.indexOf('|', 1)).trim();
                out.add(cell.replace("`", ""));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the guard's other refusals across shards: keys that are no user id, the system catalog

    @Test
    @Order(4)
    void nonIntegerKey_refusedNamingTheColumnAndTheValue() {
        for (Object key : new Object[] {"abc", 5.5d, new BigDecimal("5.5")}) {
            for (SkyriffData data : List.of(on, off)) {
                for (String sql : List.of("SELECT name FROM users WHERE user_id = ?",
                        "INSERT INTO users (user_id, name) VALUES (?, 'x')")) {
                    Outcome got;
                    try (Connection c = data.dataSource().getConnection()) {
                        got = run(c, ok("key", sql, key));
                    } catch (SQLException e) {
                        throw new AssertionError(e);
                    }
                    assertThat((Object) got.failure).as("%s with %s", sql, key)
                            .isInstanceOf(RefusedStatementException.class);
                    assertThat(got.failure.getMessage()).as("%s with %s", sql, key)
                            .startsWith("users: " + sql.substring(0, 6) + " refused: the user_id value is not an"
                                    + " integer (users.user_id must be a whole-number user id; was "
                                    + key.getClass().getSimpleName() + " '" + key + "')")
                            .doesNotContain("without a user_id condition");
                    assertThat(((RefusedStatementException) got.failure).reason())
                            .isEqualTo(RefusedStatementException.Reason.KEY_NOT_INTEGER);
                }
            }
        }
    }

    static Stream<Arguments> catalogStatements() {
        return Stream.of(
                Arguments.of("pg_catalog.pg_class", "SELECT relname FROM pg_catalog.pg_class WHERE relname = 'users'"),
                Arguments.of("pg_tables", "SELECT tablename FROM pg_tables WHERE tablename LIKE 'watch_event%'"),
                Arguments.of("information_schema.columns", "SELECT column_name FROM information_schema.columns WHERE"
                        + " table_name = 'users' ORDER BY ordinal_position"),
                Arguments.of("information_schema.tables", "SELECT count(*) FROM information_schema.tables WHERE"
                        + " table_schema = 'public'"),
                Arguments.of("pg_total_relation_size()", "SELECT pg_total_relation_size('users')"),
                Arguments.of("pg_relation_size()", "SELECT pg_relation_size('users')"),
                Arguments.of("::regclass", "SELECT 'users'::regclass::text"),
                Arguments.of("pg_stat_user_tables", "SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'users'"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("catalogStatements")
    @Order(5)
    void systemCatalog_refusedOnBothPaths_namingWhatToUseInstead(String what, String sql) throws SQLException {
        Outcome plain = run(ref, ok("plain", sql));
        assertThat((Object) plain.failure).as("one PostgreSQL answers %s", sql).isNull();
        for (Connection layer : List.of(onConn, offConn)) {
            Outcome got = run(layer, ok("catalog", sql));
            assertThat((Object) got.failure).as("%s (%s); rows %s, one PostgreSQL's %s", sql,
                    layer == onConn ? "path on" : "path off", got.rows, plain.rows)
                    .isInstanceOf(RefusedStatementException.class);
            assertThat(got.failure.getMessage()).startsWith(what + ": a system catalog query through the layer is"
                    + " refused: ShardingSphere 5.5.2 answers it from its own metadata or from one node")
                    .contains("SkyriffData.pools()").contains("skyriff CLI");
            assertThat(((RefusedStatementException) got.failure).reason())
                    .isEqualTo(RefusedStatementException.Reason.SYSTEM_CATALOG);
        }
        assertThat(on.route(sql).path()).isEqualTo(StatementRoute.Path.REFUSED);
    }

    @Test
    @Order(6)
    void systemCatalog_theNamedAlternative_aNodePool_answersForItsNode() throws SQLException {
        String node = rules.nodes().stream().filter(n -> n.primary()).findFirst().orElseThrow().dataSourceName();
        assertThat(on.pools()).containsKey(node);
        try (Connection c = on.pools().get(node).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'watch_event_%'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("the month tables on that node").isEqualTo(5);
        }
    }

    @Test
    @Order(7)
    void readsOnly_theLayersClassification_sameWithAndWithoutThePlanCache() {
        for (SkyriffData data : List.of(on, off)) {
            for (String read : List.of("SELECT name FROM users WHERE user_id = ?", "SELECT 'DELETE FROM users',"
                    + " \"window\" FROM videos", "SHOW search_path", "EXPLAIN SELECT count(*) FROM users",
                    "WITH x AS (SELECT user_id FROM users) SELECT count(*) FROM x")) {
                assertThat(data.readsOnly(read)).as(read).isTrue();
                assertThat(SkyriffData.readsOnlyStatement(read)).as(read).isTrue();
            }
            for (String write : List.of("INSERT INTO users (user_id, name) VALUES (?, ?)", "UPDATE users SET name = ?",
                    "DELETE FROM users WHERE user_id = ?", "SELECT name FROM users WHERE user_id = ? FOR UPDATE",
                    "EXPLAIN ANALYZE SELECT 1", "SET search_path = public", "CREATE TABLE t (x int)", "not sql")) {
                assertThat(data.readsOnly(write)).as(write).isFalse();
                assertThat(SkyriffData.readsOnlyStatement(write)).as(write).isFalse();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // running

    /** Rows (as text, in order) or update count (-1 for rows) of one run, or its failure. */
    record Outcome(List<String> rows, long updates, SQLException failure) {
    }

    static Outcome run(Connection c, Case k) {
        try (PreparedStatement ps = c.prepareStatement(k.sql)) {
            for (int i = 0; i < k.params.size(); i++) {
                ps.setObject(i + 1, k.params.get(i));
            }
            List<String> out = new ArrayList<>();
            long updates = -1;
            if (!ps.execute()) {
                updates = ps.getUpdateCount();
            } else {
                try (ResultSet rs = ps.getResultSet()) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            sb.append(i > 1 ? "|" : "").append(text(rs.getObject(i)));
                        }
                        out.add(sb.toString());
                    }
                }
            }
            return new Outcome(out, updates, null);
        } catch (SQLException e) {
            return new Outcome(List.of(), -1, e);
        } catch (RuntimeException e) {
            return new Outcome(List.of(), -1, new SQLException("unchecked: " + e, e));
        }
    }

    /** A value as text: numbers by value (a merged sum may come back as BigDecimal), times as instants. */
    static String text(Object v) {
        if (v instanceof BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof Timestamp t) {
            return t.toInstant().toString();
        }
        if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) {
            return new BigDecimal(n.toString()).toPlainString();
        }
        return String.valueOf(v);
    }

    static Timestamp at(String iso) {
        return Timestamp.from(Instant.parse(iso));
    }

    static void exec(PgNode node, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(), node.user(), node.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
