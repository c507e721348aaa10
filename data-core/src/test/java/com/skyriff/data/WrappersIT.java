package com.skyriff.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.shardingsphere.driver.jdbc.core.connection.ShardingSphereConnection;
import org.apache.shardingsphere.driver.jdbc.core.resultset.ShardingSphereResultSet;
import org.apache.shardingsphere.driver.jdbc.core.statement.ShardingSpherePreparedStatement;
import org.apache.shardingsphere.driver.jdbc.core.statement.ShardingSphereStatement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every statement the layer hands out answers {@code getConnection()} with the layer's connection, and every result set
 * it hands out answers {@code getStatement()} with the layer's statement: for each {@code createStatement} and
 * {@code prepareStatement} form, on the single-shard path and through ShardingSphere (the same rules with
 * {@code single-shard-path: false}); {@code unwrap} / {@code isWrapperFor} reach the layer's objects and what they
 * wrap. Topology: 2 shards, each a primary and a streaming replica.
 */
class WrappersIT {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    static final String SCHEMA = """
            CREATE TABLE users (user_id bigint PRIMARY KEY, name text NOT NULL);
            CREATE TABLE videos (user_id bigint NOT NULL, video_id bigint NOT NULL, title text NOT NULL,
                PRIMARY KEY (user_id, video_id));
            """;
    static final long U = 5;
    static final String READ = "SELECT name FROM users WHERE user_id = ?";
    static final String READ_LITERAL = "SELECT name FROM users WHERE user_id = " + U;
    static final String INSERT = "INSERT INTO videos (user_id, title) VALUES (?, 'w')";
    static final String INSERT_LITERAL = "INSERT INTO videos (user_id, title) VALUES (" + U + ", 'w')";

    static TestDatabase onDb;
    static TestDatabase offDb;
    static SkyriffData on;
    static SkyriffData off;

    @BeforeAll
    static void start() throws SQLException {
        onDb = LocalTopology.shared().createDatabase("wrappers_on");
        offDb = LocalTopology.shared().createDatabase("wrappers_off");
        for (TestDatabase db : List.of(onDb, offDb)) {
            for (PgShard s : db.shards()) {
                OneShardIT.exec(s.primary(), SCHEMA);
            }
        }
        on = SkyriffData.builder().rules(rules(onDb, true)).clock(CLOCK).build();
        off = SkyriffData.builder().rules(rules(offDb, false)).clock(CLOCK).build();
        for (SkyriffData data : List.of(on, off)) {
            try (Connection c = data.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO users (user_id, name) VALUES (?, ?)")) {
                for (long user = 1; user <= 10; user++) {
                    ps.setLong(1, user);
                    ps.setString(2, "n" + user);
                    ps.executeUpdate();
                }
            }
        }
        for (TestDatabase db : List.of(onDb, offDb)) {
            for (PgShard s : db.shards()) {
                s.awaitReplicaCatchUp(Duration.ofSeconds(30));
            }
        }
    }

    @AfterAll
    static void stop() {
        for (SkyriffData data : new SkyriffData[] {on, off}) {
            if (data != null) {
                data.close();
            }
        }
    }

    /** The two paths: "single-shard" (the layer's default) and "ShardingSphere" (the path switched off). */
    static Stream<String> paths() {
        return Stream.of("single-shard", "ShardingSphere");
    }

    static SkyriffData layer(String path) {
        return path.equals("single-shard") ? on : off;
    }

    @FunctionalInterface
    interface Prepare {
        PreparedStatement on(Connection c, String sql) throws SQLException;
    }

    @FunctionalInterface
    interface Create {
        Statement on(Connection c) throws SQLException;
    }

    static Stream<Arguments> prepareForms() {
        List<Arguments> out = new ArrayList<>();
        for (String path : paths().toList()) {
            out.add(Arguments.of(path, "(sql)", (Prepare) Connection::prepareStatement));
            out.add(Arguments.of(path, "(sql, RETURN_GENERATED_KEYS)",
                    (Prepare) (c, sql) -> c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)));
            out.add(Arguments.of(path, "(sql, int[0])", (Prepare) (c, sql) -> c.prepareStatement(sql, new int[0])));
            out.add(Arguments.of(path, "(sql, String[] {name})",
                    (Prepare) (c, sql) -> c.prepareStatement(sql, new String[] {"name"})));
            out.add(Arguments.of(path, "(sql, type, concurrency)", (Prepare) (c, sql) -> c.prepareStatement(sql,
                    ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)));
            out.add(Arguments.of(path, "(sql, type, concurrency, holdability)", (Prepare) (c, sql) ->
                    c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY,
                            ResultSet.CLOSE_CURSORS_AT_COMMIT)));
        }
        return out.stream();
    }

    static Stream<Arguments> createForms() {
        List<Arguments> out = new ArrayList<>();
        for (String path : paths().toList()) {
            out.add(Arguments.of(path, "()", (Create) Connection::createStatement));
            out.add(Arguments.of(path, "(type, concurrency)", (Create) c -> c.createStatement(
                    ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)));
            out.add(Arguments.of(path, "(type, concurrency, holdability)", (Create) c -> c.createStatement(
                    ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, ResultSet.CLOSE_CURSORS_AT_COMMIT)));
        }
        return out.stream();
    }

    static Stream<Arguments> keyForms() {
        List<Arguments> out = new ArrayList<>();
        for (String path : paths().toList()) {
            out.add(Arguments.of(path, "(sql, RETURN_GENERATED_KEYS)",
                    (Prepare) (c, sql) -> c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)));
            out.add(Arguments.of(path, "(sql, String[] {video_id})",
                    (Prepare) (c, sql) -> c.prepareStatement(sql, new String[] {"video_id"})));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: prepareStatement{1}")
    @MethodSource("prepareForms")
    void prepareStatement_everyForm_answersTheLayersConnectionAndStatement(String path, String form, Prepare prepare)
            throws SQLException {
        assertThat(layer(path).route(READ, U).path()).as("the statement's path")
                .isEqualTo(path.equals("single-shard") ? StatementRoute.Path.SINGLE_SHARD
                        : StatementRoute.Path.SHARDINGSPHERE);
        try (Connection c = layer(path).dataSource().getConnection();
             PreparedStatement ps = prepare.on(c, READ)) {
            assertThat(ps).isInstanceOf(path.equals("single-shard") ? OneShardStatement.class
                    : LayerPreparedStatement.class);
            assertThat(ps.getConnection()).isSameAs(c);
            ps.setLong(1, U);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.getStatement()).isSameAs(ps);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("n" + U);
                assertThat(rs.next()).isFalse();
            }
            // bound again: ShardingSphere 5.5.2's prepared statement forgets its parameters after an execution
            ps.setLong(1, U);
            assertThat(ps.execute()).isTrue();
            try (ResultSet rs = ps.getResultSet()) {
                assertThat(rs.getStatement()).isSameAs(ps);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("name")).isEqualTo("n" + U);
            }
        }
    }

    @ParameterizedTest(name = "{0}: createStatement{1}")
    @MethodSource("createForms")
    void createStatement_everyForm_answersTheLayersConnectionAndStatement(String path, String form, Create create)
            throws SQLException {
        assertThat(layer(path).route(READ_LITERAL).path()).as("the statement's path")
                .isEqualTo(path.equals("single-shard") ? StatementRoute.Path.SINGLE_SHARD
                        : StatementRoute.Path.SHARDINGSPHERE);
        try (Connection c = layer(path).dataSource().getConnection();
             Statement st = create.on(c)) {
            assertThat(st).isInstanceOf(LayerStatement.class);
            assertThat(st.getConnection()).isSameAs(c);
            try (ResultSet rs = st.executeQuery(READ_LITERAL)) {
                assertThat(rs.getStatement()).isSameAs(st);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("n" + U);
            }
            assertThat(st.execute(READ_LITERAL)).isTrue();
            try (ResultSet rs = st.getResultSet()) {
                assertThat(rs.getStatement()).isSameAs(st);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("n" + U);
            }
        }
    }

    @ParameterizedTest(name = "{0}: prepareStatement{1}")
    @MethodSource("keyForms")
    void getGeneratedKeys_everyKeysForm_answersTheLayersStatement(String path, String form, Prepare prepare)
            throws SQLException {
        try (Connection c = layer(path).dataSource().getConnection();
             PreparedStatement ps = prepare.on(c, INSERT)) {
            ps.setLong(1, U);
            assertThat(ps.executeUpdate()).isEqualTo(1);
            try (ResultSet keys = ps.getGeneratedKeys()) {
                assertThat(keys.getStatement()).isSameAs(ps);
                assertThat(keys.next()).isTrue();
                assertThat(keys.getLong(1)).isPositive();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void executeUpdate_plainStatementWithKeys_keysAnswerTheLayersStatement(String path) throws SQLException {
        try (Connection c = layer(path).dataSource().getConnection();
             Statement st = c.createStatement()) {
            assertThat(st.executeUpdate(INSERT_LITERAL, Statement.RETURN_GENERATED_KEYS)).isEqualTo(1);
            try (ResultSet keys = st.getGeneratedKeys()) {
                assertThat(keys.getStatement()).isSameAs(st);
                assertThat(keys.next()).isTrue();
                assertThat(keys.getLong(1)).isPositive();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void prepareCall_eitherPath_isNotSupported(String path) throws SQLException {
        try (Connection c = layer(path).dataSource().getConnection()) {
            assertThatThrownBy(() -> c.prepareCall("SELECT name FROM users WHERE user_id = ?"))
                    .isInstanceOf(SQLFeatureNotSupportedException.class);
        }
    }

    @Test
    void unwrap_connection_reachesItselfAndShardingSpheresConnection() throws SQLException {
        try (Connection c = on.dataSource().getConnection()) {
            assertThat(c.isWrapperFor(Connection.class)).isTrue();
            assertThat(c.unwrap(Connection.class)).isSameAs(c);
            assertThat(c.isWrapperFor(ShardingSphereConnection.class)).isTrue();
            assertThat(c.unwrap(ShardingSphereConnection.class)).isNotSameAs(c)
                    .isSameAs(((LayerConnection) c).shardingSphere());
            assertThat(c.isWrapperFor(Runnable.class)).isFalse();
            assertThatThrownBy(() -> c.unwrap(Runnable.class)).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void unwrap_statementsAndResultSets_reachThemselvesAndShardingSpheresObjects() throws SQLException {
        try (Connection c = off.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(READ);
             Statement st = c.createStatement()) {
            assertThat(ps.unwrap(PreparedStatement.class)).isSameAs(ps);
            assertThat(ps.isWrapperFor(ShardingSpherePreparedStatement.class)).isTrue();
            assertThat(ps.unwrap(ShardingSpherePreparedStatement.class)).isNotSameAs(ps);
            assertThat(ps.isWrapperFor(Runnable.class)).isFalse();
            assertThat(st.unwrap(Statement.class)).isSameAs(st);
            assertThat(st.isWrapperFor(ShardingSphereStatement.class)).isTrue();
            assertThat(st.unwrap(ShardingSphereStatement.class)).isNotSameAs(st);
            assertThatThrownBy(() -> st.unwrap(Runnable.class)).isInstanceOf(SQLException.class);
            ps.setLong(1, U);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.unwrap(ResultSet.class)).isSameAs(rs);
                assertThat(rs.isWrapperFor(ShardingSphereResultSet.class)).isTrue();
                assertThat(rs.unwrap(ShardingSphereResultSet.class)).isNotSameAs(rs);
                assertThat(rs.isWrapperFor(Runnable.class)).isFalse();
            }
        }
        try (Connection c = on.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(READ)) {
            assertThat(ps.isWrapperFor(OneShardStatement.class)).isTrue();
            assertThat(ps.unwrap(PreparedStatement.class)).isSameAs(ps);
            assertThat(ps.isWrapperFor(Runnable.class)).isFalse();
            assertThatThrownBy(() -> ps.unwrap(Runnable.class)).isInstanceOf(SQLException.class);
            ps.setLong(1, U);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.unwrap(ResultSet.class)).isSameAs(rs);
                assertThat(rs.isWrapperFor(Runnable.class)).isFalse();
            }
        }
    }

    static Rules rules(TestDatabase db, boolean singleShardPath) {
        Rules.Builder b = Rules.builder().name(db.name()).bucketCount(64).clock(CLOCK)
                .singleShardPath(singleShardPath);
        int i = 0;
        for (PgShard s : db.shards()) {
            List<NodeSpec> replicas = s.replicas().stream().map(OneShardIT::node).toList();
            b.shard(new ShardSpec(s.name(), OneShardIT.node(s.primary()), replicas, null,
                    List.of(BucketRange.of(i * 32, i * 32 + 31))));
            i++;
        }
        return b.table(TableSpec.user("users", "user_id"))
                .table(TableSpec.user("videos", "user_id").withId("video_id"))
                .build();
    }
}
