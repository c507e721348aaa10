package com.skyriff.data.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary fails over to its promoted replica and the DBA points the rules file at it: writes resume without
 * restarting the application. Uses its own one-shard topology, because promoting a replica cannot be undone.
 */
@Tag("slow")
class FailoverIT {

    static String rulesFile(PgNode primary, PgNode replica) {
        return """
                name: failover_it
                bucket-count: 16
                shards:
                  - name: shard0
                    primary: { url: "%s", username: %s, password: "%s" }
                    replicas:
                      - { url: "%s" }
                tables:
                  accounts: { strategy: user, key: user_id }
                """.formatted(primary.jdbcUrl(), primary.user(), primary.password(), replica.jdbcUrl());
    }

    static void insert(SkyriffData data, long user) throws SQLException {
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (user_id, balance) VALUES (?, 0)")) {
            ps.setLong(1, user);
            ps.executeUpdate();
        }
    }

    @Test
    void primaryFailsOver_rulesFilePointsAtThePromotedReplica_writesResumeWithoutRestart(@TempDir Path dir)
            throws Exception {
        try (LocalTopology topology = LocalTopology.builder().shards(1).replicasPerShard(1).redis(false).build()) {
            TestDatabase db = topology.createDatabase("failover_it");
            PgShard shard = db.shards().get(0);
            PgNode oldPrimary = shard.primary();
            PgNode promoted = shard.replicas().get(0);
            try (Connection c = DriverManager.getConnection(oldPrimary.jdbcUrl(), oldPrimary.user(), oldPrimary.password());
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE accounts (user_id bigint PRIMARY KEY, balance bigint NOT NULL)");
            }
            Path file = dir.resolve("rules.yaml");
            Files.writeString(file, rulesFile(oldPrimary, promoted));
            try (SkyriffData data = SkyriffData.builder().rulesFile(file).build()) {
                insert(data, 1);
                shard.awaitReplicaCatchUp(Duration.ofSeconds(30));
                shard.stopPrimary();
                awaitDown(data, "shard0_primary");
                assertThatThrownBy(() -> insert(data, 2)).isInstanceOf(ShardUnavailableException.class)
                        .hasMessageStartingWith("shard0 - primary shard0_primary is unavailable");

                try (Connection c = DriverManager.getConnection(promoted.jdbcUrl(), promoted.user(), promoted.password());
                     Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_promote(true, 60)")) {
                    assertThat(rs.next() && rs.getBoolean(1)).as("replica promoted").isTrue();
                }
                Files.writeString(file, rulesFile(promoted, oldPrimary));
                Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(1)));

                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (true) {
                    try {
                        insert(data, 3);
                        break;
                    } catch (SQLException e) {
                        assertThat(System.nanoTime() - deadline).as("writes resume: " + e.getMessage()).isNegative();
                        Thread.sleep(100);
                    }
                }
                assertThat(data.pools().get("shard0_primary").getJdbcUrl()).startsWith(promoted.jdbcUrl());
                try (Connection c = data.dataSource().getConnection(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*), bool_or(pg_is_in_recovery()) FROM accounts"
                             + " WHERE user_id IN (1, 2, 3)")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("rows 1 and 3; 2 was refused").isEqualTo(2);
                    assertThat(rs.getBoolean(2)).as("read from the new primary, the old one is down").isFalse();
                }
            }
        }
    }

    static void awaitDown(SkyriffData data, String node) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (data.nodeStatus().stream().noneMatch(n -> n.dataSourceName().equals(node) && !n.up())) {
            assertThat(System.nanoTime() - deadline).as(node + " seen down").isNegative();
            Thread.sleep(50);
        }
    }
}
