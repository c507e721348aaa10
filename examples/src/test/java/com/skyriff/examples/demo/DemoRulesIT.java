package com.skyriff.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code demo --rules} against a user's own cluster (here the shared local topology) that has no schema yet. */
class DemoRulesIT {
    @TempDir
    Path dir;

    @Test
    void demoRules_schemaMissing_saysWhatToRunThenAppliesItOnlyWithConsent() throws Exception {
        LocalTopology topology = LocalTopology.shared();
        TestDatabase db = topology.createDatabase("demo_rules_it");
        PgShard s = db.shards().get(0);
        String rules = Files.readString(Path.of("rules", "phase2.yaml"))
                .replace("${SHARD0_PRIMARY_URL}", s.primary().jdbcUrl())
                .replace("${SHARD0_REPLICA0_URL}", s.replicas().get(0).jdbcUrl())
                .replace("${PG_USER}", s.primary().user()).replace("${PG_PASSWORD}", s.primary().password())
                .replace("${REDIS_URI}", topology.redis().uri()).replace("namespace: skyriff", "namespace: demo_rules_it");
        Path file = Files.writeString(dir.resolve("my-rules.yaml"), rules);
        String[] small = {"--rules", file.toString(), "--users", "30", "--videos-per-user", "1", "--events", "40",
                "--threads", "2", "--duration", "2", "--report-dir", dir.resolve("report").toString()};

        DemoMainTest.Run refused = DemoMainTest.run(small);
        assertThat(refused.code()).as(refused.err()).isEqualTo(2);
        assertThat(refused.err()).startsWith("skyriff demo: --rules " + file + ": the reference schema is missing (shard0 "
                        + "primary lacks [follows, regions, users, videos, wallet_ledger, wallets, watch_events]).")
                .contains("./bin/skyriff demo --rules " + file + " --apply-schema",
                        "./bin/skyriff migrate " + file + " -m examples/src/main/resources/db/skyriff")
                .doesNotContain("Exception", "\tat ");

        String[] consent = java.util.stream.Stream.concat(java.util.Arrays.stream(small), java.util.stream.Stream.of(
                "--apply-schema")).toArray(String[]::new);
        DemoMainTest.Run ran = DemoMainTest.run(consent);
        assertThat(ran.code()).as(ran.out() + ran.err()).isZero();
        assertThat(ran.out()).contains("[demo] applying the reference schema (V1__skyriff_domain.sql)", "errors: 0",
                "shard0_replica_0", "report: " + dir.resolve("report").resolve("demo-report.txt").toAbsolutePath(),
                "charts: " + dir.resolve("report").resolve("demo-report.html").toAbsolutePath());
        assertThat(dir.resolve("report").resolve("demo-report.svg")).exists();
    }
}
