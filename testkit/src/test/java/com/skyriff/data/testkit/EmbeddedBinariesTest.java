package com.skyriff.data.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fallback for machines without PostgreSQL: the io.zonky.test binaries (no pg_basebackup), standbys made by
 * copying the primary's data directory.
 */
@Tag("slow")
class EmbeddedBinariesTest {

    @Test
    void build_embeddedBinaries_standbyByCopyStreams() throws SQLException {
        Path root = Path.of(System.getProperty(Workspace.ROOT_PROPERTY, "target/topology")).toAbsolutePath();
        PgBinaries embedded = PgBinaries.embedded(root);
        assertThat(embedded.hasBasebackup()).isFalse();
        try (LocalTopology topology = LocalTopology.builder().shards(1).replicasPerShard(1).redis(false)
                .binaries(embedded).build()) {
            PgShard shard = topology.createDatabase("embedded_test").shards().get(0);
            assertThat((String) Sql.query(shard.primary(), "SELECT version()")).contains("PostgreSQL " + embedded.version());
            assertThat(Sql.query(shard.replicas().get(0), "SELECT pg_is_in_recovery()")).isEqualTo(true);
            Sql.execute(shard.primary(), "CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)");
            shard.awaitReplicaCatchUp(Duration.ofSeconds(30));
            assertThat(Sql.query(shard.replicas().get(0), "SELECT count(*) FROM t")).isEqualTo(1L);
            shard.stopReplica(0);
            Sql.execute(shard.primary(), "INSERT INTO t VALUES (2)");
            shard.startReplica(0);
            shard.awaitReplicaCatchUp(Duration.ofSeconds(30));
            assertThat(Sql.query(shard.replicas().get(0), "SELECT count(*) FROM t")).isEqualTo(2L);
        }
    }
}
