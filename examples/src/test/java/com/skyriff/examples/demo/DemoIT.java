package com.skyriff.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The main job end to end, with small sizes: embedded topology, schema, seed, workload, report, stop. */
class DemoIT {

    @Test
    void demo_smallEmbeddedRun_reportsNoErrorsAndReplicaReads() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        DemoRun.Options options = new DemoRun.Options(Phase.FOUR, null, false, false, 60, 2, 200, 4, Duration.ofSeconds(4), 7);
        DemoReport report = new DemoRun(options, out).run();
        report.print(out);
        String text = bytes.toString(StandardCharsets.UTF_8);

        assertThat(report.errors()).as(text).isZero();
        assertThat(report.totalOperations()).isPositive();
        assertThat(report.seededUsers()).isEqualTo(60);
        assertThat(report.operations()).containsKeys("profile", "watch_history", "record_watch", "debit");
        assertThat(report.replicaBorrows()).as("reads answered by replicas").isPositive();
        assertThat(report.nodeBorrows()).containsKeys("shard0_primary", "shard0_replica_0", "shard0_replica_1",
                "shard1_primary", "shard1_replica_0", "shard1_replica_1");
        assertThat(report.cacheHits()).as("profile reads answered by the cache (phase 4: Redis Cluster)").isPositive();
        assertThat(text).contains("[demo] stopped everything the demo started", "== SkyRiff demo report",
                "phase 4 adds a second shard", "share this machine's");
        Path[] files = report.write(Path.of("target", "demo-report-it"));
        assertThat(files[2]).exists();
        assertThat(report.opsPerSecond()).as("a point per second of the workload").hasSizeBetween(4, 6);
    }
}
