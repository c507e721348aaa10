package com.skyriff.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.rules.RulesException;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pass-through mode: a DBA's native ShardingSphere 5.5 YAML file, used unchanged. */
class NativeRulesIT {

    static String dataSource(String name, PgNode n) {
        return """
                  %s:
                    dataSourceClassName: com.zaxxer.hikari.HikariDataSource
                    driverClassName: org.postgresql.Driver
                    jdbcUrl: %s
                    username: %s
                    password: %s
                    maximumPoolSize: 4
                """.formatted(name, n.jdbcUrl(), n.user(), n.password());
    }

    static String nativeYaml(TestDatabase db) {
        StringBuilder ds = new StringBuilder();
        StringBuilder groups = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            PgShard s = db.shards().get(i);
            ds.append(dataSource("ds_" + i + "_w", s.primary())).append(dataSource("ds_" + i + "_r", s.replicas().get(0)));
            groups.append("""
                        ds_%d:
                          writeDataSourceName: ds_%d_w
                          readDataSourceNames: [ds_%d_r]
                          transactionalReadQueryStrategy: PRIMARY
                          loadBalancerName: rr
                    """.formatted(i, i, i));
        }
        return """
                databaseName: native_it
                dataSources:
                %s
                rules:
                - !SHARDING
                  tables:
                    t_order:
                      actualDataNodes: ds_${0..1}.t_order
                      databaseStrategy:
                        standard:
                          shardingColumn: user_id
                          shardingAlgorithmName: by_user
                  shardingAlgorithms:
                    by_user:
                      type: INLINE
                      props:
                        algorithm-expression: ds_${user_id %% 2}
                - !READWRITE_SPLITTING
                  dataSourceGroups:
                %s
                  loadBalancers:
                    rr:
                      type: ROUND_ROBIN
                """.formatted(ds.toString().stripTrailing(), groups.toString().stripTrailing());
    }

    @Test
    void rulesFile_nativeShardingSphereYaml_isUsedUnchanged(@TempDir Path dir) throws IOException, SQLException {
        TestDatabase db = LocalTopology.shared().createDatabase("native_it");
        for (PgShard s : db.shards()) {
            PgNode p = s.primary();
            try (Connection c = DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password()); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t_order (order_id bigint PRIMARY KEY, user_id bigint NOT NULL)");
            }
            s.awaitReplicaCatchUp(Duration.ofSeconds(30));
        }
        Path file = Files.writeString(dir.resolve("native.yaml"), nativeYaml(db));
        try (SkyriffData data = SkyriffData.builder().rulesFile(file).build()) {
            assertThat(data.rules()).as("no compact rules in pass-through mode").isEmpty();
            try (Connection c = data.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO t_order (order_id, user_id) VALUES (?, ?)")) {
                ps.setLong(1, 1);
                ps.setLong(2, 7);  // 7 % 2 -> ds_1
                ps.executeUpdate();
            }
            PgShard shard1 = db.shards().get(1);
            try (Connection c = DriverManager.getConnection(shard1.primary().jdbcUrl(), "skyriff", shard1.primary().password());
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM t_order")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
            shard1.awaitReplicaCatchUp(Duration.ofSeconds(10));
            try (Connection c = data.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT pg_is_in_recovery() FROM t_order WHERE user_id = ?")) {
                ps.setLong(1, 7);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getBoolean(1)).as("read answered by the replica").isTrue();
                }
            }
        }
    }

    @Test
    void rulesFile_brokenNativeYaml_failsNamingTheFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("broken-native.yaml"), """
                databaseName: x
                dataSources:
                rules:
                - !SHARDING
                  tables: {}
                """);
        assertThatThrownBy(() -> SkyriffData.builder().rulesFile(file).build())
                .isInstanceOf(RulesException.class)
                .hasMessageContaining("broken-native.yaml:2: dataSources is empty; a native ShardingSphere file needs at least one");
    }

    @Test
    void rulesFile_nativeYamlWithMistakes_failsWithEveryProblemBeforeShardingSphereStarts(@TempDir Path dir) throws IOException {
        TestDatabase db = LocalTopology.shared().createDatabase("native_it_broken");
        String yaml = nativeYaml(db).replace("type: INLINE", "type: INLINEE")
                .replace("readDataSourceNames: [ds_1_r]", "readDataSourceNames: [ds_1_replica]");
        Path file = Files.writeString(dir.resolve("native.yaml"), yaml);
        int typeLine = lineOf(yaml, "type: INLINEE");
        int readLine = lineOf(yaml, "readDataSourceNames: [ds_1_replica]");
        RulesException e = org.assertj.core.api.Assertions.catchThrowableOfType(RulesException.class,
                () -> SkyriffData.builder().rulesFile(file).build());
        assertThat(e).isNotNull();
        assertThat(e.problems()).as("in file order").containsExactly(
                "native.yaml:" + typeLine + ": rules.!SHARDING.shardingAlgorithms.by_user.type is not a registered sharding "
                        + "algorithm; was 'INLINEE', expected one of [AUTO_INTERVAL, BOUNDARY_RANGE, CLASS_BASED, "
                        + "COMPLEX_INLINE, HASH_MOD, HINT_INLINE, INLINE, INTERVAL, MOD, VOLUME_RANGE]; did you mean 'INLINE'?",
                "native.yaml:" + readLine + ": rules.!READWRITE_SPLITTING.dataSourceGroups.ds_1.readDataSourceNames[0] names "
                        + "data source 'ds_1_replica', which is not defined; was 'ds_1_replica', expected one of "
                        + "[ds_0_w, ds_0_r, ds_1_w, ds_1_r]");
        assertThat(e.getMessage()).doesNotContain(db.shards().get(0).primary().password());
    }

    private static int lineOf(String text, String needle) {
        String before = text.substring(0, text.indexOf(needle));
        return (int) before.chars().filter(c -> c == '\n').count() + 1;
    }
}
