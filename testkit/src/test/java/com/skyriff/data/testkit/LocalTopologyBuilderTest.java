package com.skyriff.data.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTopologyBuilderTest {

    @Test
    void shards_zero_throws() {
        assertThatThrownBy(() -> LocalTopology.builder().shards(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LocalTopology.Builder: shards must be at least 1; was 0");
    }

    @Test
    void replicasPerShard_negative_throws() {
        assertThatThrownBy(() -> LocalTopology.builder().replicasPerShard(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LocalTopology.Builder: replicasPerShard must be at least 0; was -1");
    }

    @Test
    void build_withoutRedis_redisThrows_andCloseStopsEverything() throws SQLException {
        LocalTopology topology = LocalTopology.builder().shards(1).replicasPerShard(0).redis(false).build();
        PgShard shard = topology.shards().get(0);
        Path dir;
        try {
            assertThat(shard.replicas()).isEmpty();
            assertThat(Sql.query(shard.primary(), "SELECT pg_is_in_recovery()")).isEqualTo(false);
            assertThatThrownBy(topology::redis)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("LocalTopology.redis: this topology was built without Redis;"
                            + " use LocalTopology.builder().redis(true)");
            assertThatThrownBy(() -> shard.pauseReplay(0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("shard0: replica index is out of range; was 0, expected none (shard0 has no replicas)");
            dir = Path.of(String.valueOf(Sql.query(shard.primary(), "SHOW data_directory")));
        } finally {
            topology.close();
        }
        topology.close(); // idempotent
        assertThatThrownBy(() -> Sql.query(shard.primary(), "SELECT 1")).isInstanceOf(SQLException.class);
        assertThat(dir).doesNotExist(); // data trimmed, logs kept
        assertThat(dir.resolveSibling("postgres.log")).exists();
        assertThatThrownBy(() -> topology.createDatabase("after_close"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("LocalTopology.createDatabase: the topology is closed");
    }

    @Test
    void build_baseDir_putsServersThere() throws SQLException {
        Path base = Path.of(System.getProperty(Workspace.ROOT_PROPERTY, "target/topology")).toAbsolutePath()
                .resolveSibling("topology-basedir-test");
        try (LocalTopology topology = LocalTopology.builder().shards(1).replicasPerShard(0).redis(true).baseDir(base)
                .build()) {
            String dataDir = String.valueOf(Sql.query(topology.shards().get(0).primary(), "SHOW data_directory"));
            assertThat(Path.of(dataDir)).startsWith(base);
            assertThat(topology.redis().port()).isNotEqualTo(topology.shards().get(0).primary().port());
        }
    }

    @Test
    void build_baseDirUnreachableForServerUser_fallsBackToTmp(@TempDir Path privateDir) throws SQLException {
        assumeTrue(ServerUser.get().switching(), "only when the JVM runs as root and servers as " + ServerUser.NAME);
        // @TempDir is mode 700 and owned by root: skyriff-pg cannot enter it
        try (LocalTopology topology = LocalTopology.builder().shards(1).replicasPerShard(0).redis(false)
                .baseDir(privateDir).build()) {
            String dataDir = String.valueOf(Sql.query(topology.shards().get(0).primary(), "SHOW data_directory"));
            assertThat(Path.of(dataDir)).startsWith(Path.of(System.getProperty("java.io.tmpdir"), "skyriff-topology"));
        }
    }
}
