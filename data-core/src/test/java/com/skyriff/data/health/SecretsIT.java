package com.skyriff.data.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.skyriff.data.SkyriffData;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.Secret;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.SqlLog;
import com.skyriff.data.rules.SslMode;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Passwords never reach logs (at DEBUG, ShardingSphere's and HikariCP's included), exception messages, toString() or
 * metric tags; the SQL log shows bound values only with {@code sql-log: values}; {@code ssl-mode} reaches the driver.
 */
class SecretsIT {
    static final String WRONG_PASSWORD = "Wr0ng-Pa55word-zz";

    static TestDatabase db;
    static String password;
    static ListAppender<ILoggingEvent> captured;
    static final Map<String, Level> saved = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws SQLException {
        db = LocalTopology.shared().createDatabase("secrets_it");
        for (PgShard shard : db.shards()) {
            try (Connection c = DriverManager.getConnection(shard.primary().jdbcUrl(), shard.primary().user(),
                    shard.primary().password()); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE cards (user_id bigint PRIMARY KEY, number text NOT NULL)");
            }
            shard.awaitReplicaCatchUp(Duration.ofSeconds(30));
        }
        password = db.shards().get(0).primary().password();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        for (String name : List.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "org.apache.shardingsphere", "com.zaxxer.hikari",
                "ShardingSphere-SQL", "com.skyriff")) {
            Logger logger = context.getLogger(name);
            saved.put(name, logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(captured);
    }

    @AfterAll
    static void stop() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(captured);
        saved.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }

    static Rules rules(SqlLog sqlLog, NodeSpec replicaOfShard0) {
        Rules.Builder b = Rules.builder().name("secrets_it").bucketCount(64).sqlLog(sqlLog);
        int i = 0;
        for (PgShard s : db.shards()) {
            List<NodeSpec> replicas = i == 0 && replicaOfShard0 != null ? List.of(replicaOfShard0)
                    : s.replicas().stream().map(SecretsIT::node).toList();
            b.shard(new ShardSpec(s.name(), node(s.primary()).withSslMode(SslMode.DISABLE), replicas, null,
                    List.of(BucketRange.of(i * 32, i * 32 + 31))));
            i++;
        }
        return b.table(TableSpec.user("cards", "user_id")).build();
    }

    static NodeSpec node(PgNode n) {
        return NodeSpec.of(n.jdbcUrl(), n.user(), n.password());
    }

    static void insert(SkyriffData data, long user, String number) throws SQLException {
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO cards (user_id, number) VALUES (?, ?)")) {
            ps.setLong(1, user);
            ps.setString(2, number);
            ps.executeUpdate();
        }
    }

    /** Every captured log line: message, arguments and the whole throwable chain. */
    static String logs() {
        StringBuilder sb = new StringBuilder();
        for (ILoggingEvent e : new ArrayList<>(captured.list)) {
            sb.append(e.getLoggerName()).append(' ').append(e.getFormattedMessage()).append('\n');
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                sb.append("  ").append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
            }
        }
        return sb.toString();
    }

    static String chain(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            sb.append(t).append('\n');
            for (Throwable s : t.getSuppressed()) {
                sb.append(s).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void sqlLog_statements_logsTheStatementButNotItsValues_andValuesLogsThem() throws SQLException {
        try (SkyriffData data = SkyriffData.builder().rules(rules(SqlLog.STATEMENTS, null)).build()) {
            insert(data, 1, "card-4111-1111-1111-1111");
        }
        try (SkyriffData data = SkyriffData.builder().rules(rules(SqlLog.VALUES, null)).build()) {
            insert(data, 2, "card-5500-0000-0000-0004");
        }
        String logs = logs();
        assertThat(logs).contains("Logic SQL: INSERT INTO cards (user_id, number) VALUES (?, ?)")
                .doesNotContain("card-4111-1111-1111-1111")
                .as("sql-log: values shows bound values").contains("card-5500-0000-0000-0004")
                .doesNotContain(password);
    }

    @Test
    void wrongPasswordAndDownReplica_neverShowAPasswordInLogsExceptionsStatusOrMetrics() throws Exception {
        PgNode replica = db.shards().get(0).replicas().get(0);
        NodeSpec badReplica = new NodeSpec(replica.jdbcUrl(), replica.user(), Secret.of(WRONG_PASSWORD), 1);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        String status;
        String rendered;
        try (SkyriffData data = SkyriffData.builder().rules(rules(SqlLog.VALUES, badReplica)).meterRegistry(meters)
                .build()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (data.nodeStatus().stream().noneMatch(n -> !n.up() && n.dataSourceName().equals("shard0_replica_0"))) {
                assertThat(System.nanoTime() - deadline).as("replica with a wrong password seen down").isNegative();
                Thread.sleep(50);
            }
            status = data.nodeStatus().toString();
            rendered = data.rules().orElseThrow() + "\n" + data.pools().values() + "\n" + data.dataSource();
            StringBuilder tags = new StringBuilder();
            for (Meter m : meters.getMeters()) {
                tags.append(m.getId()).append('\n');
            }
            assertThat(tags.toString()).contains("skyriff.replica.lag").doesNotContain(password)
                    .doesNotContain(WRONG_PASSWORD);
        }
        assertThat(status).contains("password authentication failed").doesNotContain(WRONG_PASSWORD)
                .doesNotContain(password);
        assertThat(rendered).doesNotContain(WRONG_PASSWORD).doesNotContain(password);

        Rules allWrong = Rules.builder().name("secrets_it").bucketCount(64)
                .shard(new ShardSpec("shard0", new NodeSpec(db.shards().get(0).primary().jdbcUrl(), "skyriff",
                        Secret.of(WRONG_PASSWORD), 1), List.of(), null, List.of()))
                .table(TableSpec.user("cards", "user_id")).build();
        Throwable failure = null;
        try (SkyriffData data = SkyriffData.builder().rules(allWrong).build()) {
            insert(data, 3, "x");
        } catch (RuntimeException | SQLException e) {
            failure = e;
        }
        assertThat(failure).as("a wrong password fails").isNotNull();
        assertThat(chain(failure)).doesNotContain(WRONG_PASSWORD);
        assertThat(logs()).as("captured logs").isNotEmpty().doesNotContain(WRONG_PASSWORD).doesNotContain(password);
    }

    @Test
    void passwordInsideUrls_maskedInRulesErrorsStatusLogsMetricsAndExceptions() throws Exception {
        PgNode replica = db.shards().get(0).replicas().get(0);
        // a malformed URL: the builder's error quotes it
        Throwable malformed = null;
        try {
            Rules.builder().name("secrets_it").shard(new ShardSpec("shard0", new NodeSpec("jdbc:postgresq://h:1/db?user=app&"
                    + "password=" + WRONG_PASSWORD, "app", Secret.none(), 1), List.of(), null, List.of()))
                    .table(TableSpec.user("cards", "user_id")).build();
        } catch (RuntimeException e) {
            malformed = e;
        }
        assertThat(malformed).as("malformed URL refused").isNotNull();
        assertThat(chain(malformed)).contains("password=<masked>").doesNotContain(WRONG_PASSWORD);
        // a replica whose URL carries a wrong password=: it is seen down, nothing shows the password
        NodeSpec inUrl = new NodeSpec(replica.jdbcUrl() + (replica.jdbcUrl().contains("?") ? "&" : "?")
                + "password=" + WRONG_PASSWORD, replica.user(), Secret.none(), 1);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (SkyriffData data = SkyriffData.builder().rules(rules(SqlLog.VALUES, inUrl)).meterRegistry(meters).build()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (data.nodeStatus().stream().noneMatch(n -> !n.up() && n.dataSourceName().equals("shard0_replica_0"))) {
                assertThat(System.nanoTime() - deadline).as("replica with a wrong password seen down").isNegative();
                Thread.sleep(50);
            }
            insert(data, 20, "x");
            Throwable direct = null;
            try (Connection c = data.pools().get("shard0_replica_0").getConnection()) {
                c.isValid(1);
            } catch (SQLException e) {
                direct = e;
            }
            StringBuilder tags = new StringBuilder();
            for (Meter m : meters.getMeters()) {
                tags.append(m.getId()).append('\n');
            }
            String everything = data.nodeStatus() + "\n" + data.rules().orElseThrow() + "\n" + data.dataSource() + "\n"
                    + tags + "\n" + (direct == null ? "" : chain(direct)) + "\n" + logs();
            assertThat(everything).doesNotContain(WRONG_PASSWORD);
        }
    }

    @Test
    void sslMode_reachesTheDriver_forPoolsAndHealthChecks() throws Exception {
        PgNode replica = db.shards().get(0).replicas().get(0);
        NodeSpec tlsReplica = node(replica).withSslMode(SslMode.REQUIRE);
        try (SkyriffData data = SkyriffData.builder().rules(rules(null, tlsReplica)).build()) {
            assertThat(data.pools().get("shard0_replica_0").getJdbcUrl()).contains("sslmode=require");
            assertThat(data.pools().get("shard0_primary").getJdbcUrl()).contains("sslmode=disable");
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (data.nodeStatus().stream().noneMatch(n -> !n.up() && n.dataSourceName().equals("shard0_replica_0"))) {
                assertThat(System.nanoTime() - deadline).as("replica requiring TLS seen down").isNegative();
                Thread.sleep(50);
            }
            assertThat(data.nodeStatus().get(1).lastFailure()).as("the test servers have no TLS")
                    .contains("does not support SSL");
            assertThatThrownBy(() -> data.pools().get("shard0_replica_0").getConnection().close())
                    .hasMessageContaining("does not support SSL");
            insert(data, 10, "plain");   // the primary, with ssl-mode disable, works
        }
    }
}
