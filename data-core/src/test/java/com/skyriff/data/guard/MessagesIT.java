package com.skyriff.data.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Refusals whose message used to name the wrong problem (issue 13): each now names what is actually wrong and what to
 * write instead. Real shards through the layer; the written alternatives run and return the rows.
 */
class MessagesIT {
    static TestDatabase db;
    static SkyriffData data;
    /** The same rules with {@code single-shard-path: false}: every statement through ShardingSphere and the guard. */
    static SkyriffData offPath;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalTopology.shared().createDatabase("messages_it");
        for (PgShard shard : db.shards()) {
            try (Connection c = DriverManager.getConnection(shard.primary().jdbcUrl(), shard.primary().user(),
                    shard.primary().password()); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE users (user_id bigint PRIMARY KEY, name text NOT NULL)");
                s.execute("CREATE TABLE videos (user_id bigint NOT NULL, video_id bigint NOT NULL,"
                        + " PRIMARY KEY (user_id, video_id))");
            }
        }
        Rules.Builder b = Rules.builder().name("messages_it").bucketCount(64);
        int i = 0;
        for (PgShard s : db.shards()) {
            b.shard(new ShardSpec(s.name(), node(s.primary()), List.of(), null,
                    List.of(BucketRange.of(i * 32, i * 32 + 31))));
            i++;
        }
        b.table(TableSpec.user("users", "user_id")).table(TableSpec.user("videos", "user_id"));
        data = SkyriffData.builder().rules(b.build()).build();
        offPath = SkyriffData.builder().rules(b.singleShardPath(false).build()).build();
        try (Connection c = data.dataSource().getConnection()) {
            for (long u = 1; u <= 6; u++) {
                update(c, "INSERT INTO users (user_id, name) VALUES (?, ?)", u, "u" + u);
                if (u % 2 == 0) {
                    update(c, "INSERT INTO videos (user_id, video_id) VALUES (?, ?)", u, 100 + u);
                    update(c, "INSERT INTO videos (user_id, video_id) VALUES (?, ?)", u, 200 + u);
                }
            }
        }
    }

    @AfterAll
    static void stop() {
        if (data != null) {
            data.close();
        }
        if (offPath != null) {
            offPath.close();
        }
    }

    static NodeSpec node(PgNode n) {
        return NodeSpec.of(n.jdbcUrl(), n.user(), n.password());
    }

    static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    static List<String> query(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    private static final List<String> KEYED_THROUGH_THE_OUTER_QUERY = List.of(
            "SELECT u.name FROM users u WHERE u.user_id = ? AND EXISTS (SELECT 1 FROM videos v"
                    + " WHERE v.user_id = u.user_id)",
            "SELECT u.name FROM users u WHERE u.user_id = ? AND (SELECT count(*) FROM videos v"
                    + " WHERE v.user_id = u.user_id) > 1");

    @Test
    void correlatedSubqueryAndExists_singleShardPath_answeredAsOnePostgreSql() throws SQLException {
        try (Connection c = data.dataSource().getConnection()) {
            for (String sql : KEYED_THROUGH_THE_OUTER_QUERY) {
                assertThat(query(c, sql, 4L)).as(sql + " (user 4 has 2 videos)").containsExactly("u4");
                assertThat(query(c, sql, 3L)).as(sql + " (user 3 has none)").isEmpty();
            }
        }
    }

    @Test
    void correlatedSubqueryAndExists_keyFromTheOuterQuery_namesTheSubqueryAndTheRewrite() throws SQLException {
        try (Connection c = offPath.dataSource().getConnection()) {
            for (String sql : KEYED_THROUGH_THE_OUTER_QUERY) {
                assertThatThrownBy(() -> query(c, sql, 2L)).as(sql).isInstanceOf(RefusedStatementException.class)
                        .hasMessageStartingWith("videos: SELECT reads videos in a subquery (EXISTS, IN or a correlated"
                                + " subquery) whose user_id comes from the outer query")
                        .hasMessageContaining("JOIN the tables on user_id with the condition on each table"
                                + " (a.user_id = ? AND b.user_id = ?, the same value; SELECT DISTINCT for EXISTS, GROUP BY"
                                + " for a counted subquery), or run the subquery alone with user_id = ?")
                        .hasMessageNotContaining("without a user_id condition");
            }
            // what the message says to write
            assertThat(query(c, "SELECT DISTINCT u.name FROM users u JOIN videos v ON v.user_id = u.user_id"
                    + " WHERE u.user_id = ? AND v.user_id = ?", 4L, 4L)).containsExactly("u4");
            assertThat(query(c, "SELECT DISTINCT u.name FROM users u JOIN videos v ON v.user_id = u.user_id"
                    + " WHERE u.user_id = ? AND v.user_id = ?", 3L, 3L)).as("user 3 has no videos").isEmpty();
            assertThat(query(c, "SELECT count(*) FROM videos WHERE user_id = ?", 4L)).containsExactly("2");
        }
    }

    @Test
    void insert_nullUserId_namesTheNullNotTwoShards() throws SQLException {
        try (Connection c = data.dataSource().getConnection()) {
            assertThatThrownBy(() -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (user_id, name) VALUES (?, ?)")) {
                    ps.setNull(1, Types.BIGINT);
                    ps.setString(2, "nobody");
                    ps.executeUpdate();
                }
            }).isInstanceOf(RefusedStatementException.class).hasMessage("users: INSERT with a NULL user_id cannot be"
                    + " routed to a shard (a user's rows live on the shard of its user_id); set a non-null user_id in"
                    + " every row");
            try (Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeUpdate("INSERT INTO users (user_id, name) VALUES (7, 'a'), (NULL, 'b')"))
                        .isInstanceOf(RefusedStatementException.class)
                        .hasMessageStartingWith("users: INSERT with a NULL user_id in row 2 cannot be routed");
            }
            assertThat(query(c, "SELECT count(*) FROM users WHERE user_id = ?", 7L)).containsExactly("0");
        }
    }

    @Test
    void multiStatementString_isRefusedNamingTheStatementCount() throws SQLException {
        try (Connection c = data.dataSource().getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("SELECT name FROM users WHERE user_id = 1; SELECT name FROM users"
                    + " WHERE user_id = 2")).isInstanceOf(RefusedStatementException.class)
                    .hasMessageStartingWith("one SQL string holds 2 statements separated by ';'")
                    .hasMessageContaining("run each statement with its own execute");
            assertThatThrownBy(() -> c.prepareStatement("UPDATE users SET name = 'x' WHERE user_id = 1;"
                    + " DELETE FROM users WHERE user_id = 2;")).isInstanceOf(RefusedStatementException.class)
                    .hasMessageStartingWith("one SQL string holds 2 statements");
            assertThat(query(c, "SELECT name FROM users WHERE user_id = ?", 1L)).containsExactly("u1");
            assertThat(query(c, "SELECT name FROM users WHERE user_id = ?;", 2L)).as("one trailing ';' is one statement")
                    .containsExactly("u2");
        }
    }

    @Test
    void anyOfAnArray_onTheShardKey_oneShardRuns_severalShardsRefusedSayingIn() throws SQLException {
        com.skyriff.data.rules.UserBuckets buckets = data.rules().orElseThrow().buckets();
        long other = 2;
        while (buckets.shardOf(other).equals(buckets.shardOf(1L))) {
            other++;
        }
        long same = 2;
        while (!buckets.shardOf(same).equals(buckets.shardOf(1L))) {
            same++;
        }
        long[] twoShards = {1L, other};
        long[] oneShard = {1L, same};
        try (Connection c = data.dataSource().getConnection()) {
            assertThat(query(c, "SELECT name FROM users WHERE user_id = ANY(?) ORDER BY user_id", (Object) oneShard))
                    .as("every id on one shard: the single-shard path").containsExactly("u1", "u" + same);
            assertThatThrownBy(() -> query(c, "SELECT name FROM users WHERE user_id = ANY(?)", (Object) twoShards))
                    .isInstanceOf(RefusedStatementException.class)
                    .hasMessageStartingWith("users: user_id = ANY(?) cannot be routed by ShardingSphere 5.5.2")
                    .hasMessageContaining("write user_id IN (?, ?, ...) with one marker per user id");
            assertThat(query(c, "SELECT name FROM users WHERE user_id = ANY(?) ORDER BY user_id",
                    c.createArrayOf("bigint", new Object[] {1L, same}))).as("an array the layer's connection made")
                    .containsExactly("u1", "u" + same);
            assertThatThrownBy(() -> query(c, "SELECT name FROM users WHERE user_id = ANY(?)",
                    c.createArrayOf("bigint", new Object[] {1L, twoShards[1]})))
                    .isInstanceOf(RefusedStatementException.class)
                    .hasMessageContaining("write user_id IN (?, ?, ...) with one marker per user id");
            assertThat(query(c, "SELECT name FROM users WHERE user_id IN (?, ?) ORDER BY name", 1L, 2L))
                    .containsExactly("u1", "u2");
            assertThat(query(c, "SELECT video_id FROM videos WHERE user_id = ? AND video_id = ANY(?) ORDER BY video_id",
                    4L, new Long[] {104L, 204L, 999L})).as("= ANY on another column, with the user id")
                    .containsExactly("104", "204");
        }
    }
}
