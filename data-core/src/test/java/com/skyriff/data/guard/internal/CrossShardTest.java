package com.skyriff.data.guard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.rules.Strategy;
import java.util.Map;
import org.apache.shardingsphere.infra.database.core.type.DatabaseType;
import org.apache.shardingsphere.infra.parser.sql.SQLStatementParserEngine;
import org.apache.shardingsphere.infra.spi.type.typed.TypedSPILoader;
import org.apache.shardingsphere.sql.parser.api.CacheOption;
import org.apache.shardingsphere.sql.parser.statement.core.statement.dml.SelectStatement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cross-shard allow-list on ShardingSphere 5.5.2's real PostgreSQL parse trees (no database): which SELECT shapes
 * pass and which construct a refusal names. That the passing shapes merge to one PostgreSQL's rows, and that the
 * refused ones are refused through the layer, is {@code CrossShardIT}'s job.
 */
class CrossShardTest {
    static final SQLStatementParserEngine PARSER = new SQLStatementParserEngine(
            TypedSPILoader.getService(DatabaseType.class, "PostgreSQL"), new CacheOption(1, 1), new CacheOption(1, 1));
    static final Map<String, CrossShard.Table> TABLES = Map.of(
            "users", new CrossShard.Table(Strategy.USER, "user_id", () -> columns("users", "user_id", "int8", "name",
                    "text", "score", "int4", "region", "text")),
            "videos", new CrossShard.Table(Strategy.USER, "user_id", () -> columns("videos", "user_id", "int8",
                    "video_id", "int8", "title", "text")),
            "watch_event", new CrossShard.Table(Strategy.USER_MONTH, "user_id", () -> columns("watch_event", "user_id",
                    "int8", "video_id", "int8", "event_id", "int8", "created_at", "timestamptz", "seconds", "int4")),
            "regions", new CrossShard.Table(Strategy.BROADCAST, null, () -> columns("regions", "code", "text", "name",
                    "text")),
            "app_config", new CrossShard.Table(Strategy.SINGLE, null));

    /** Columns as the metadata would give them: name, type pairs (text in the C collation). */
    static Map<String, ColumnTypes.Column> columns(String table, String... pairs) {
        Map<String, ColumnTypes.Column> out = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            ColumnTypes.Column c = ColumnTypes.Column.of(pairs[i + 1]);
            out.put(pairs[i], new ColumnTypes.Column(c.type(), c.family(), c.family() == ColumnTypes.Family.TEXT ? "C"
                    : null, "UTF8", table + "." + pairs[i]));
        }
        return out;
    }

    static String refusal(String sql) {
        return CrossShard.refusal((SelectStatement) PARSER.parse(sql, false), sql, TABLES::get);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM users WHERE score > 3",
            "SELECT user_id, upper(name), score * 2, CASE WHEN score > 5 THEN 'hi' ELSE 'lo' END FROM users",
            "SELECT count(*) AS n, count(score) AS scored, sum(score), min(score), max(user_id) FROM users",
            "SELECT DISTINCT score, user_id % 2 AS odd FROM users ORDER BY score, odd",
            "SELECT user_id % 3 AS b, video_id, count(*) FROM watch_event GROUP BY user_id % 3, video_id",
            "SELECT region, count(*) AS n FROM users GROUP BY region ORDER BY count(*) DESC",
            "SELECT date_trunc('month', created_at) AS m, count(*) FROM watch_event GROUP BY date_trunc('month', created_at)",
            "SELECT count(DISTINCT score::bigint) FROM users",
            "SELECT count(DISTINCT user_id) FROM users",
            "SELECT count(*) FILTER (WHERE score > 5) FROM users",
            "SELECT region, count(*) c FROM users GROUP BY region ORDER BY c DESC LIMIT 2",
            "SELECT DISTINCT score FROM users ORDER BY score",
            "SELECT user_id FROM users ORDER BY score DESC NULLS LAST, user_id LIMIT 5 OFFSET 2",
            "SELECT user_id FROM users ORDER BY user_id FETCH FIRST 3 ROWS ONLY",
            "SELECT user_id FROM users ORDER BY user_id OFFSET 4",
            "SELECT user_id FROM users LIMIT 3",
            "SELECT u.name, v.title FROM users u JOIN videos v ON v.user_id = u.user_id",
            "SELECT u.name, v.title FROM users u, videos v WHERE v.user_id = u.user_id AND v.title = 't1'",
            "SELECT u.name, v.title FROM users u JOIN videos v USING (user_id)",
            "SELECT u.name, r.name FROM users u JOIN regions r ON r.code = u.region",
            "SELECT u.name, r.name FROM users u LEFT JOIN regions r ON r.code = u.region",
            "SELECT u.user_id, count(v.video_id) FROM users u LEFT JOIN videos v ON v.user_id = u.user_id GROUP BY u.user_id",
            "SELECT w.event_id, u.name FROM watch_event w JOIN users u ON u.user_id = w.user_id",
            "SELECT \"window\", 'UNION' FROM users WHERE name <> 'OVER (x)' AND name <> 'avg(x)'",
            "SELECT name FROM users WHERE user_id IN (1, 2, 3) FOR UPDATE"})
    void refusal_allowListedShape_isNull(String sql) {
        assertThat(refusal(sql)).as(sql).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "avg()|SELECT avg(score) FROM users",
            "avg()|SELECT region, avg(score) FROM users GROUP BY region",
            "string_agg()|SELECT string_agg(name, ',') FROM users",
            "array_agg()|SELECT array_agg(user_id ORDER BY user_id) FROM users",
            "percentile_cont()|SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY score) FROM users",
            "an aggregate inside an expression|SELECT count(*) * 2 FROM users",
            "an aggregate inside an expression|SELECT COALESCE(max(score), 0) FROM users",
            "an aggregate inside an expression|SELECT sum(score) / count(*) FROM users",
            "a window function|SELECT user_id, row_number() OVER (ORDER BY score) FROM users",
            "a window function|SELECT user_id, sum(score) OVER (PARTITION BY region) FROM users",
            "a window function|SELECT user_id, count(*) OVER () FROM users",
            "a WINDOW clause|SELECT user_id, rank() OVER w FROM users WINDOW w AS (ORDER BY score)",
            "HAVING|SELECT region, count(*) FROM users GROUP BY region HAVING count(*) > 2",
            "DISTINCT ON|SELECT DISTINCT ON (region) region, user_id FROM users ORDER BY region, user_id",
            "a subquery in FROM|SELECT count(*) FROM (SELECT DISTINCT region FROM users) t",
            "a subquery|SELECT EXISTS (SELECT 1 FROM users WHERE name = 'n3')",
            "a subquery|SELECT name FROM users WHERE user_id IN (SELECT user_id FROM videos WHERE title = 't1')",
            "a subquery|SELECT name FROM users WHERE score = (SELECT max(score) FROM users)",
            "a subquery|SELECT name FROM users u WHERE NOT EXISTS (SELECT 1 FROM videos v WHERE v.user_id = u.user_id)",
            "UNION|SELECT user_id FROM users UNION SELECT user_id FROM videos",
            "UNION ALL|SELECT user_id FROM users UNION ALL SELECT user_id FROM videos",
            "INTERSECT|SELECT user_id FROM users INTERSECT SELECT user_id FROM videos",
            "EXCEPT|SELECT user_id FROM users EXCEPT SELECT user_id FROM videos",
            "WITH (a common table expression)|WITH x AS (SELECT user_id FROM users) SELECT count(*) FROM x",
            "OFFSET without ORDER BY|SELECT user_id FROM users LIMIT 3 OFFSET 2",
            "OFFSET n ROWS FETCH FIRST m ROWS ONLY|SELECT user_id FROM users ORDER BY user_id OFFSET 5 ROWS FETCH FIRST 10 ROWS ONLY",
            "a join not on the user id|SELECT a.name, b.name FROM users a JOIN users b ON b.name = a.name",
            "a join not on the user id|SELECT u.name, v.title FROM users u JOIN videos v ON v.title = u.name",
            "a join of two month-split tables (or a self-join of one)|SELECT a.event_id FROM watch_event a JOIN watch_event b ON b.user_id = a.user_id",
            "an outer join onto a month-split table|SELECT u.name, w.event_id FROM users u LEFT JOIN watch_event w ON w.user_id = u.user_id",
            "an outer join from a broadcast table onto a sharded table|SELECT r.code, u.name FROM regions r LEFT JOIN users u ON u.region = r.code",
            "FULL JOIN|SELECT u.name, v.title FROM users u FULL JOIN videos v ON v.user_id = u.user_id",
            "a join with a single or month table|SELECT u.name, c.v FROM users u JOIN app_config c ON c.k = u.name",
            "GROUP BY ROLLUP, CUBE or GROUPING SETS|SELECT region, count(*) FROM users GROUP BY ROLLUP (region)",
            "two columns of one name with an aggregate|SELECT count(*), count(score) FROM users",
            "two columns of one name with an aggregate|SELECT min(name), min(region) FROM users",
            "ORDER BY an aggregate not in the select list|SELECT region FROM users GROUP BY region ORDER BY count(*)",
            "GROUP BY an expression not selected with an alias|SELECT user_id % 3, count(*) FROM users GROUP BY user_id % 3"})
    void refusal_shapeOffTheList_namesTheConstruct(String construct, String sql) {
        assertThat(refusal(sql)).as(sql).startsWith(construct + " across shards is refused{span}: ");
    }

    @Test
    void refusal_message_saysWhyAndWhatInstead() {
        assertThat(refusal("SELECT avg(score) FROM users")).isEqualTo("avg() across shards is refused{span}:"
                + " ShardingSphere 5.5.2 rounds the merged average to 4 decimal places; select sum(x) and count(x) and"
                + " divide (in SQL on one shard, or in the application)");
    }
}
