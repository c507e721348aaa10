package com.skyriff.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report explains itself and draws its picture. */
class DemoReportTest {
    static DemoReport report(Phase phase, double lag) {
        Map<String, DemoReport.OpStats> ops = new LinkedHashMap<>();
        ops.put("profile", new DemoReport.OpStats(700, 310, 900, 2_100));
        ops.put("debit", new DemoReport.OpStats(160, 1_200, 3_000, 7_800));
        Map<String, Long> nodes = new LinkedHashMap<>();
        nodes.put("shard0_primary", 900L);
        if (lag >= 0) {
            nodes.put("shard0_replica_0", 400L);
        }
        return new DemoReport("embedded phase " + phase.number, phase, 2, true, 1, nodes.size(), 60, 120, 200,
                Duration.ofMillis(1500), 4, Duration.ofSeconds(4), 860, 0, 3, ops, nodes, 500, 100, lag,
                new long[] {180, 230, 240, 210}, List.of());
    }

    static String text(DemoReport r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        r.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void print_phaseOne_hasNoReplayLagLineAndSaysWhyOneServerIsFaster() {
        String t = text(report(Phase.ONE, -1));
        assertThat(t).doesNotContain("replay lag").contains("phase 1: one PostgreSQL + Redis",
                "  phase 1 is the baseline: every statement on one server",
                "note: the 2 servers of this run and the demo's 4 client threads all share this machine's 2 cores",
                "expect phase 1 (one PostgreSQL) to be faster here than phase 4");
    }

    @Test
    void print_phaseFour_listsWhatEachPhaseAddsAndTheLag() {
        String t = text(report(Phase.FOUR, 3.5));
        assertThat(t).contains("phase 4: 2 shards x (1 primary + 2 replicas)", "  phase 2 adds a streaming replica",
                "  phase 3 adds a second replica", "  phase 4 adds a second shard", "Redis Cluster",
                "the 10 servers of this run", "max observed replica replay lag: 3.5 ms");
    }

    @Test
    void write_textSvgAndHtml_nextToEachOtherWithTheFourCharts() throws Exception {
        Path[] files = report(Phase.TWO, 1.0).write(Path.of("target", "demo-report-sample"));   // kept to look at
        assertThat(files[0]).hasFileName("demo-report.txt").exists();
        assertThat(files[1]).hasFileName("demo-report.html").exists();
        String svg = Files.readString(files[2]);
        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").contains(
                "Operations per second over time", "Latency per operation (ms): p50, p95, p99",
                "Statements per node", "Profile cache", "83.3 % hits (500)", ">shard0_replica_0</text>", "<polyline");
        assertThat(Files.readString(files[1])).contains(svg.strip(), "<pre", "== SkyRiff demo report");
        assertThat(Files.readString(files[0])).contains("== SkyRiff demo report (embedded phase 2)");
    }
}
