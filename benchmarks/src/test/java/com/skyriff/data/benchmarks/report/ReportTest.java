package com.skyriff.data.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    /** A JMH result as JMH 1.37 writes it (trimmed to the fields the report reads). */
    static String run(String benchmark, String mode, int threads, String params, double score, String error,
                      String unit, String extra) {
        return "{\"jmhVersion\":\"1.37\",\"benchmark\":\"com.skyriff.data.benchmarks." + benchmark + "\",\"mode\":\""
                + mode + "\",\"threads\":" + threads + ",\"forks\":1,\"jdkVersion\":\"17.0.15\",\"vmName\":\"OpenJDK"
                + " 64-Bit Server VM\",\"vmVersion\":\"17.0.15+6\",\"warmupIterations\":3,\"warmupTime\":\"5 s\","
                + "\"measurementIterations\":5,\"measurementTime\":\"5 s\",\"params\":{" + params + "},"
                + "\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":" + error + ",\"scoreUnit\":\"" + unit
                + "\"" + extra + "},\"secondaryMetrics\":{}}";
    }

    static final String SAMPLE = "[" + String.join(",",
            run("PointReadBenchmark.pointRead", "avgt", 1, "\"access\":\"RAW\"", 100.0, "2.5", "us/op", ""),
            run("PointReadBenchmark.pointRead", "avgt", 1, "\"access\":\"LAYER\"", 250.0, "5.0", "us/op", ""),
            run("PointReadBenchmark.pointRead", "avgt", 1, "\"access\":\"SHARDINGSPHERE\"", 105.0, "\"NaN\"", "us/op", ""),
            run("CacheBenchmark.get", "avgt", 1, "\"read\":\"REDISSON\"", 0.2, "0.01", "ms/op", ""),
            run("CacheBenchmark.get", "avgt", 1, "\"read\":\"ENTITY\"", 210.0, "3", "us/op", ""),
            run("CacheBenchmark.get", "avgt", 1, "\"read\":\"NEAR\"", 1500.0, "3", "ns/op", ""),
            run("MixedWorkloadBenchmark.threads032", "sample", 32, "\"service\":\"LAYER\"", 4.0, "0.1", "ms/op",
                    ",\"scorePercentiles\":{\"50.0\":3.0,\"99.0\":25.0,\"99.9\":40.0}")) + "]";

    @Test
    void markdown_layerSlowerThanTarget_reportsRatioAndMissedBy() {
        Report report = new Report(Results.parse(SAMPLE), List.of("cpus: 2"), "run.json", "chart.svg");

        String md = report.markdown();

        assertThat(md).contains("| LAYER | 250.0 | 5.000 | 2.50x |");
        // a variant beside RAW and LAYER is shown as it was measured, with no target of its own
        assertThat(md).contains("| SHARDINGSPHERE | 105.0 | n/a | 1.05x |");
        assertThat(report.verdicts()).filteredOn(v -> v.target().startsWith("Point read layer / raw"))
                .singleElement().satisfies(v -> {
                    assertThat(v.target()).endsWith("<= 1.05x");
                    assertThat(v.met()).isFalse();
                    assertThat(v.detail()).isEqualTo("missed by 138 % (2.50x vs 1.05x)");
                });
        assertThat(report.verdicts()).filteredOn(v -> v.target().contains("SHARDINGSPHERE"))
                .isEmpty();
    }

    @Test
    void verdict_errorsReachAcrossTheTarget_saysNotConclusive() {
        String json = "[" + String.join(",",
                run("PointReadBenchmark.pointRead", "avgt", 1, "\"access\":\"RAW\"", 100.0, "10", "us/op", ""),
                run("PointReadBenchmark.pointRead", "avgt", 1, "\"access\":\"LAYER\"", 120.0, "10", "us/op", ""),
                run("PointReadBenchmark.pointRead", "avgt", 1, "\"access\":\"SHARDINGSPHERE\"", 200.0, "5", "us/op", ""))
                + "]";
        Report report = new Report(Results.parse(json), List.of(), "run.json", "chart.svg");

        assertThat(report.verdicts()).filteredOn(v -> v.target().startsWith("Point read layer / raw"))
                .singleElement().satisfies(v -> assertThat(v.detail()).isEqualTo("missed by 14 % (1.20x vs 1.05x);"
                        + " not conclusive: within both runs' 99.9 % errors the ratio is 1.00x to 1.44x"));
        assertThat(report.markdown()).contains("| #11 | Point read layer / raw <= 1.05x | 1.20x | **not conclusive**:"
                + " the 99.9 % range 1.00x to 1.44x straddles 1.05x; only 1 fork (at least 3 needed for the interval"
                + " to cover fork-to-fork variation); point estimate missed");
    }

    @Test
    void markdown_unitsDiffer_convertsBeforeTheRatio() {
        Report report = new Report(Results.parse(SAMPLE), List.of(), "run.json", "chart.svg");

        assertThat(report.verdicts()).filteredOn(v -> v.target().startsWith("Cache hit")).singleElement()
                .satisfies(v -> assertThat(v.measured()).isEqualTo("1.05x"));
        assertThat(report.verdicts()).filteredOn(v -> v.target().startsWith("Near-cache hit")).singleElement()
                .satisfies(v -> {
                    assertThat(v.measured()).isEqualTo("1.500 µs/op");
                    assertThat(v.met()).isTrue();
                    assertThat(v.conclusive()).isEqualTo("no: the 99.9 % range 0.75x to 0.75x is on one side of"
                            + " 1.00x; only 1 fork (at least 3 needed for the interval to cover fork-to-fork variation)");
                });
    }

    /** A sample-mode mixed-workload run with {@code forks} forks; {@code histogram} is JMH's rawDataHistogram. */
    static String mixed(String benchmark, int threads, String service, int forks, double meanMs, String error,
                        double p99, String histogram) {
        return run(benchmark + String.format(java.util.Locale.ROOT, ".threads%03d", threads), "sample", threads,
                "\"service\":\"" + service + "\"", meanMs, error, "ms/op", ",\"scorePercentiles\":{\"50.0\":"
                        + meanMs + ",\"99.0\":" + p99 + ",\"99.9\":" + (p99 * 2) + "}"
                        + (histogram == null ? "" : ",\"rawDataHistogram\":" + histogram))
                .replace("\"forks\":1,", "\"forks\":" + forks + ",");
    }

    /** One fork's histogram: one iteration holding {@code ms} once each. */
    static String fork(double... ms) {
        StringBuilder s = new StringBuilder("[[");
        for (int i = 0; i < ms.length; i++) {
            s.append(i == 0 ? "" : ",").append('[').append(ms[i]).append(",1]");
        }
        return s.append("]]").toString();
    }

    static String iteration(String method, String service, int threads, long fork, int index, double seconds,
                            double ops, String cpu) {
        return "{\"type\":\"iteration\",\"benchmark\":\"com.skyriff.data.benchmarks." + method + "\",\"threads\":"
                + threads + ",\"fork\":" + fork + ",\"params\":{\"service\":\"" + service + "\"},\"phase\":"
                + "\"measurement\",\"index\":" + index + ",\"seconds\":" + seconds + ",\"ops\":" + ops
                + ",\"cpuMs\":{" + cpu + "}}";
    }

    @Test
    void markdown_mixedWorkload_layerOverRawRatiosFromOneRunAgainstTheTargets() {
        String json = "[" + String.join(",",
                mixed("MixedWorkloadBenchmark", 8, "RAW", 1, 2.0, "0.1", 10.0, null),
                mixed("MixedWorkloadBenchmark", 8, "LAYER", 1, 2.5, "0.1", 25.0, null),
                mixed("MixedWorkloadBenchmark", 32, "RAW", 1, 8.0, "0.1", 30.0, null),
                mixed("MixedWorkloadBenchmark", 32, "LAYER", 1, 8.4, "0.1", 35.0, null)) + "]";
        Report report = new Report(Results.parse(json), List.of(), "run.json", "chart.svg");

        String md = report.markdown();

        assertThat(md).contains("| `LAYER` | 8 | 1 | 3,200 |").contains("| 0.80x | 2.50x |")
                .contains("| `LAYER_SS` | 8 | | not measured in this run |");
        assertThat(report.verdicts()).filteredOn(v -> v.target().startsWith("Mixed workload at 8 threads: layer/raw"))
                .singleElement().satisfies(v -> {
                    assertThat(v.target()).endsWith(">= 0.90x");
                    assertThat(v.measured()).isEqualTo("0.80x (3,200 vs 4,000 ops/s)");
                    assertThat(v.met()).isFalse();
                });
        assertThat(report.verdicts()).filteredOn(v -> v.target().startsWith("Mixed workload at 32 threads: layer/raw"))
                .singleElement().satisfies(v -> assertThat(v.met()).isTrue());
        assertThat(report.verdicts()).filteredOn(v -> v.target().equals("Mixed workload at 8 threads: layer p99 <= 20.00 ms"))
                .singleElement().satisfies(v -> assertThat(v.detail()).isEqualTo("missed by 25 %"));
        assertThat(report.verdicts()).filteredOn(v -> v.target().equals("Mixed workload at 32 threads: layer p99 <= 40.00 ms"))
                .singleElement().satisfies(v -> assertThat(v.met()).isTrue());
    }

    @Test
    void verdict_threeForksWithIntervalsOnOneSide_isConclusive_oneForkSaysWhyNot() {
        String three = "[" + String.join(",",
                mixed("MixedWorkloadBenchmark", 8, "RAW", 3, 2.0, "0.01", 10.0, null),
                mixed("MixedWorkloadBenchmark", 8, "LAYER", 3, 2.1, "0.01", 12.0, null)) + "]";
        String one = three.replace("\"forks\":3,", "\"forks\":1,");

        Report conclusive = new Report(Results.parse(three), List.of(), "run.json", "chart.svg");
        Report single = new Report(Results.parse(one), List.of(), "run.json", "chart.svg");

        assertThat(conclusive.verdicts()).filteredOn(v -> v.target().startsWith("Mixed workload at 8 threads: layer/raw"))
                .singleElement().satisfies(v -> assertThat(v.conclusive())
                        .isEqualTo("yes: the 99.9 % range 0.94x to 0.96x is on one side of 0.90x"));
        assertThat(single.verdicts()).filteredOn(v -> v.target().startsWith("Mixed workload at 8 threads: layer/raw"))
                .singleElement().satisfies(v -> assertThat(v.conclusive()).startsWith("no: the 99.9 % range 0.94x to"
                        + " 0.96x is on one side of 0.90x; only 1 fork (at least 3 needed"));
        assertThat(single.markdown()).contains("| conclusive? |").contains("; only 1 fork (at least 3 needed");
    }

    @Test
    void verdict_intervalsStraddleTheTarget_isNotConclusiveAndSaysTheRange() {
        assertThat(Report.conclusive(0.85, 0.95, 0.90, 3)).isEqualTo("no: the 99.9 % range 0.85x to 0.95x straddles 0.90x");
        assertThat(Report.conclusive(Double.NaN, Double.NaN, 0.90, 3))
                .isEqualTo("no: JMH gave no 99.9 % interval (too few measured iterations)");
        assertThat(Report.conclusive(0.5, 0.6, 0.90, 0)).endsWith("; in-process run (no fork)");
    }

    @Test
    void p99Verdict_forksOnBothSidesOfTheTarget_isNotConclusive_allBelow_isConclusive() {
        String straddling = "[" + mixed("MixedWorkloadBenchmark", 8, "LAYER", 3, 2.0, "0.1", 18.0, "["
                + String.join(",", fork(1, 15), fork(1, 18), fork(1, 25)) + "]") + "]";
        String below = "[" + mixed("MixedWorkloadBenchmark", 8, "LAYER", 3, 2.0, "0.1", 15.0, "["
                + String.join(",", fork(1, 12), fork(1, 15), fork(1, 19)) + "]") + "]";

        Report r1 = new Report(Results.parse(straddling), List.of(), "run.json", "chart.svg");
        Report r2 = new Report(Results.parse(below), List.of(), "run.json", "chart.svg");

        assertThat(r1.verdicts()).filteredOn(v -> v.target().startsWith("Mixed workload at 8 threads: layer p99"))
                .singleElement().satisfies(v -> assertThat(v.conclusive())
                        .isEqualTo("no: the 3 forks' p99s are 15.00 to 25.00 ms, across 20.00 ms"));
        assertThat(r2.verdicts()).filteredOn(v -> v.target().startsWith("Mixed workload at 8 threads: layer p99"))
                .singleElement().satisfies(v -> assertThat(v.conclusive())
                        .isEqualTo("yes: the 3 forks' p99s are 12.00 to 19.00 ms"));
    }

    @Test
    void flatness_firstAgainstLastIteration_fromSidecarAndFromJmhRawData() {
        String json = "[" + String.join(",",
                mixed("MixedWorkloadBenchmark", 8, "LAYER", 1, 2.5, "0.1", 10.0, null),
                run("PointReadBenchmark.pointRead", "avgt", 1, "\"access\":\"RAW\"", 101.0, "2", "us/op",
                        ",\"rawData\":[[100.0,102.0]]")) + "]";
        String sidecar = String.join("\n",
                iteration("MixedWorkloadBenchmark.threads008", "LAYER", 8, 7, 1, 1.0, 1000, ""),
                iteration("MixedWorkloadBenchmark.threads008", "LAYER", 8, 7, 2, 1.0, 1200, ""));
        Report report = new Report(Results.parse(json), Extra.parse(sidecar), List.of(), "run.json", "chart.svg");

        String md = report.markdown();

        Results.Run mixedRun = Results.parse(json).runs().get(0);
        Results.Run point = Results.parse(json).runs().get(1);
        assertThat(report.flatness(mixedRun)).isEqualTo("+20 % (**not flat**)");
        assertThat(report.flatness(point)).isEqualTo("-2 % (flat)");
        assertThat(md).contains("## Steady state")
                .contains("| PointReadBenchmark.pointRead | {access=RAW} | 1 | 1 | - | not recorded | -2 % (flat) |");
    }

    @Test
    void steadyState_boundReached_saysSoPerRun() {
        String json = "[" + mixed("MixedWorkloadBenchmark", 8, "RAW", 2, 2.0, "0.1", 10.0, null) + "]";
        String sidecar = String.join("\n",
                "{\"type\":\"settle\",\"benchmark\":\"com.skyriff.data.benchmarks.MixedWorkloadBenchmark.threads008\","
                        + "\"threads\":8,\"fork\":1,\"params\":{\"service\":\"RAW\"},\"seconds\":61.5,\"settled\":true,"
                        + "\"monitored\":true,\"compileMs\":40000,\"boundS\":240.0,\"windowS\":10.0}",
                "{\"type\":\"settle\",\"benchmark\":\"com.skyriff.data.benchmarks.MixedWorkloadBenchmark.threads008\","
                        + "\"threads\":8,\"fork\":2,\"params\":{\"service\":\"RAW\"},\"seconds\":240.2,\"settled\":false,"
                        + "\"monitored\":true,\"compileMs\":90000,\"boundS\":240.0,\"windowS\":10.0}");
        Report report = new Report(Results.parse(json), Extra.parse(sidecar), List.of(), "run.json", "chart.svg");

        assertThat(report.markdown()).contains("| MixedWorkloadBenchmark.threads008 | {service=RAW} | 8 | 2 | 240.2 |"
                + " 1 of 2 forks (**bound of 240.0 s reached**) |");
    }

    @Test
    void cpuSplit_perOperationByGroup_andWhereThroughputStopsGrowing() {
        String json = "[" + String.join(",",
                mixed("MixedWorkloadBenchmark", 1, "LAYER", 1, 1.0, "0.1", 3.0, null),
                mixed("MixedWorkloadBenchmark", 2, "LAYER", 1, 2.0 / 1.8, "0.1", 3.0, null),
                mixed("MixedWorkloadBenchmark", 4, "LAYER", 1, 4.0 / 1.9, "0.1", 6.0, null)) + "]";
        String cpu = "\"client\":1500.0,\"primaries\":300.0,\"replicas\":150.0,\"replication\":30.0,"
                + "\"pg_other\":20.0,\"redis\":0.0";
        String sidecar = iteration("MixedWorkloadBenchmark.threads002", "LAYER", 2, 9, 1, 1.0, 1000, cpu);
        Report report = new Report(Results.parse(json), Extra.parse(sidecar), List.of("cpu (before): 2 cores, AMD"),
                "run.json", "chart.svg");

        String md = report.markdown();

        assertThat(md).contains("| `LAYER` | 2 | 1,800 | 1,500 | 300 | 150 | 30 | 20 | 0 | 2,000 | 2.000 |");
        assertThat(md).contains("- `LAYER`: operations/s by client threads 1: 1,000, 2: 1,800, 4: 1,900. Throughput"
                + " stops growing at 2 client threads (the next step adds less than 10 %); CPU there: 2.000 cores busy"
                + " of 2 (client JVM 75 %, primaries' backends 15 %, replicas' backends 8 %, replication 2 %,"
                + " PostgreSQL background 1 %, Redis 0 %). Not measured in this run at [8, 32] threads"
                + " (`benchmarks/run.sh part headline` / `curve`): the limit may lie between the thread counts measured.");
        assertThat(md).contains("- `RAW`: the mixed workload was not measured in this run.");
    }

    @Test
    void ceilings_toolFiguresAndMissingTools_areListedWithTheReason() {
        String sidecar = String.join("\n",
                "{\"type\":\"ceiling\",\"tool\":\"PGBENCH\",\"what\":\"pgbench -S -M prepared\",\"clients\":8,"
                        + "\"perSecond\":30000.0,\"missing\":null}",
                "{\"type\":\"ceiling\",\"tool\":\"REDIS_BENCHMARK\",\"what\":\"redis-benchmark -t get\","
                        + "\"clients\":1,\"perSecond\":null,\"missing\":\"redis-benchmark not found (looked in PATH)\"}");
        String json = "[" + run("CacheThroughputBenchmark.read", "thrpt", 32, "\"source\":\"PG_RAW\"", 12000.0, "100",
                "ops/s", "") + "]";
        Report report = new Report(Results.parse(json), Extra.parse(sidecar), List.of(), "run.json", "chart.svg");

        String md = report.markdown();

        assertThat(md).contains("| raw JDBC point read (HikariCP, 4b `PG_RAW`) | 32 | 12,000 |")
                .contains("| `pgbench -S -M prepared` | 8 | 30,000 |")
                .contains("| `redis-benchmark -t get` | 1 | not measured: redis-benchmark not found (looked in PATH) |");
    }

    @Test
    void ceilings_noSidecar_saysNotMeasured() {
        Report report = new Report(Results.parse(SAMPLE), List.of(), "run.json", "chart.svg");

        assertThat(report.markdown()).contains("| `pgbench -S -M prepared` | | not measured in this run |")
                .contains("| `redis-benchmark -t get` | | not measured in this run |");
    }

    @Test
    void parseSidecar_unknownType_throwsNamingTheLineAndTheChoices() {
        assertThatThrownBy(() -> Extra.parse("\n{\"type\":\"iter\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sidecar line 2: type must be one of [settle, iteration, ceiling]; was 'iter'");
    }

    @Test
    void markdown_benchmarkNotRun_saysSoInsteadOfAFigure() {
        Report report = new Report(Results.parse(SAMPLE), List.of(), "run.json", "chart.svg");

        assertThat(report.markdown()).contains("| LAYER | not measured in this run |")
                .contains("| #11 | 3-month range layer / raw UNION ALL <= 1.05x | - | not measured in this run"
                        + " (`benchmarks/run.sh part headline`) | - | - |")
                .contains("| Routing POINT: planning 64x36 / 2x12 <= 1.10x | - | not measured in this run"
                        + " (`benchmarks/run.sh part routing`) |")
                .doesNotContain("| RAW_TRIPS |");
        assertThat(report.verdicts()).filteredOn(v -> v.target().startsWith("Routing POINT")).singleElement()
                .satisfies(v -> assertThat(v.status()).isEqualTo("not measured in this run"));
    }

    @Test
    void svg_ratiosAndCurve_drawsEveryBarWithItsVerdictColour() {
        Report report = new Report(Results.parse(SAMPLE), List.of(), "run.json", "chart.svg");

        String svg = report.svg();

        assertThat(svg).startsWith("<svg").endsWith("</svg>\n");
        assertThat(svg).contains("1. point read layer/raw", "#e53935", "#43a047", "p99 25.0 ms");
    }

    @Test
    void markdown_withAnEarlierResult_comparesTheRunsFoundInBoth() {
        String earlier = "[" + run("PointReadBenchmark.pointRead", "avgt", 1, "\"access\":\"LAYER\"", 500.0, "5",
                "us/op", "") + "," + run("StartupBenchmark.start", "ss", 1, "\"shape\":\"S64_M36\"", 1600.0, "5",
                "ms/op", "") + "]";
        Report report = new Report(Results.parse(SAMPLE), List.of(), "run.json", "chart.svg")
                .before(Results.parse(earlier), "before.json", "the change");

        String md = report.markdown();

        assertThat(md).contains("## Before and after: the change")
                .contains("| PointReadBenchmark.pointRead | {access=LAYER} | 500.0 us/op | 250.0 us/op | 0.50x |")
                .doesNotContain("| StartupBenchmark.start |");
    }

    @Test
    void parse_notAnArray_throwsNamingWhatItWas() {
        assertThatThrownBy(() -> Results.parse("{\"benchmark\":\"x\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a JMH result file is a JSON array; was LinkedHashMap");
    }

    // ---- parts of a full run ----

    /** RAW and LAYER at 8 threads, 3 forks each, 0.95x apart with narrow intervals. */
    static final String MIXED_8_THREADS_3_FORKS = String.join(",",
            mixed("MixedWorkloadBenchmark", 8, "RAW", 3, 2.0, "0.01", 10.0, null),
            mixed("MixedWorkloadBenchmark", 8, "LAYER", 3, 2.1, "0.01", 12.0, null));

    static final String NEW = "bbbbbbb1111111111111111111111111111111111";
    static final String OLD = "aaaaaaa2222222222222222222222222222222222";

    static List<String> env(String part, String commit, String started, String finished, int dirty) {
        return List.of("part: " + part, "commit: " + commit, "started: " + started, "finished: " + finished,
                "estimated: 37 min (mixed: ...)", "settings: mixed: -f 3 -wi 1 -i 5, settle bound 40 s",
                "layer code: " + dirty + " uncommitted file(s) in data-core sharding-config schema when it ran",
                "captured: before the run, " + started, "load average (before; 2 cores): 0.10 0.20 0.30");
    }

    static String settle(String method, String service, long fork, boolean settled) {
        return "{\"type\":\"settle\",\"benchmark\":\"com.skyriff.data.benchmarks." + method + "\",\"threads\":8,"
                + "\"fork\":" + fork + ",\"params\":{\"service\":\"" + service + "\"},\"seconds\":40.1,\"settled\":"
                + settled + ",\"monitored\":true,\"compileMs\":9000,\"boundS\":40.0,\"windowS\":10.0}";
    }

    /** The newest part (headline) and an older one (routing) whose layer code differs. */
    static Parts twoParts(Parts.Git git) {
        String headline = "[" + String.join(",", MIXED_8_THREADS_3_FORKS,
                run("PointReadBenchmark.pointRead", "avgt", 1, "\"access\":\"RAW\"", 100.0, "2.5", "us/op", ""),
                run("PointReadBenchmark.pointRead", "avgt", 1, "\"access\":\"LAYER\"", 250.0, "5.0", "us/op", "")) + "]";
        String headlineExtra = String.join("\n",
                settle("MixedWorkloadBenchmark.threads008", "LAYER", 11, true),
                settle("MixedWorkloadBenchmark.threads008", "LAYER", 12, false),
                settle("MixedWorkloadBenchmark.threads008", "RAW", 13, true));
        String routing = "[" + String.join(",",
                run("RoutingBenchmark.route", "avgt", 1, "\"shape\":\"S2_M12\",\"statement\":\"POINT\"", 10.0, "0.1",
                        "us/op", ""),
                run("RoutingBenchmark.route", "avgt", 1, "\"shape\":\"S64_M36\",\"statement\":\"POINT\"", 10.5,
                        "0.1", "us/op", ""),
                // the same trial as the newer part's: the newer figure counts
                run("PointReadBenchmark.pointRead", "avgt", 1, "\"access\":\"LAYER\"", 900.0, "5.0", "us/op", "")) + "]";
        List<Parts.Part> parts = new ArrayList<>();
        parts.add(Parts.part("routing", env("routing", OLD, "2026-12-02 09:30 UTC", "2026-12-02 10:00 UTC (took 30 min)",
                0), Results.parse(routing), Extra.NONE));
        parts.add(Parts.part("headline", env("headline", NEW, "2026-12-03 19:10 UTC",
                "2026-12-03 19:48 UTC (took 38 min)", 0), Results.parse(headline), Extra.parse(headlineExtra)));
        return Parts.judged(parts, git);
    }

    @Test
    void parts_mergedNewestFirst_eachHeadlineRowNamesItsPart_andTheOlderPartWithOtherLayerCodeIsStale() {
        Parts parts = twoParts((a, b) -> 1);
        Report report = new Report(parts, List.of(), "benchmarks/results/parts/*.json", "chart.svg");

        String md = report.markdown();

        assertThat(parts.all()).extracting(Parts.Part::name).containsExactly("headline", "routing");
        assertThat(parts.get("headline").status()).isEqualTo("current");
        assertThat(parts.get("routing").status()).isEqualTo("stale");
        assertThat(md).contains("## Parts in this report")
                .contains("| `headline` | bbbbbbb | 2026-12-03 19:10 UTC | 2026-12-03 19:48 UTC (took 38 min) | 37 min"
                        + " (mixed: ...) | mixed: -f 3 -wi 1 -i 5, settle bound 40 s | current |")
                .contains("| `routing` | aaaaaaa | 2026-12-02 09:30 UTC | 2026-12-02 10:00 UTC (took 30 min) | 37 min"
                        + " (mixed: ...) | mixed: -f 3 -wi 1 -i 5, settle bound 40 s | **stale**: layer code differs from"
                        + " the newest part (headline, bbbbbbb): `git diff aaaaaaa bbbbbbb -- data-core sharding-config"
                        + " schema examples/src/main` |");
        // the headline rows name the part each figure comes from; the older part's figure is marked stale
        assertThat(md).contains("| #11 | Routing POINT: planning 64x36 / 2x12 <= 1.10x | 1.05x | ")
                .contains("| routing @ aaaaaaa, 2026-12-02 09:30 UTC (**stale**) |");
        assertThat(md).contains("| #11 | Point read layer / raw <= 1.05x | 2.50x | ")
                .contains("| headline @ bbbbbbb, 2026-12-03 19:10 UTC | ");
        assertThat(md).contains("| #11, #12 | Mixed workload at 8 threads: layer/raw operations/s >= 0.90x |"
                + " 0.95x (3,810 vs 4,000 ops/s) | **met** | headline @ bbbbbbb, 2026-12-03 19:10 UTC |");
        assertThat(md).contains("- part `headline` (commit bbbbbbb):\n  - captured: before the run, 2026-12-03 19:10 UTC"
                + "\n  - load average (before; 2 cores): 0.10 0.20 0.30\n");
        assertThat(report.verdicts()).filteredOn(v -> v.target().startsWith("Point read layer / raw")).singleElement()
                .satisfies(v -> assertThat(v.measured()).isEqualTo("2.50x"));
    }

    @Test
    void parts_forkWhoseJitDidNotSettle_isNamedInThePartsTableAndTheHeadlineRow() {
        Report report = new Report(twoParts((a, b) -> 1), List.of(), "parts", "chart.svg");

        String md = report.markdown();

        assertThat(md).contains("| **1 of 3 fork warm-ups**: MixedWorkloadBenchmark.threads008{service=LAYER}"
                + " (bound 40.00 s) |");
        assertThat(md).contains("| **JIT not settled within 40.00 s in 1 of 3 fork warm-ups** |");
        assertThat(md).contains("| no steady-state warm-up recorded |");
    }

    @Test
    void staleness_sameLayerCode_current_uncommittedLayerChanges_orUnknownCommit_unknown() {
        assertThat(twoParts((a, b) -> 0).get("routing")).satisfies(p -> {
            assertThat(p.status()).isEqualTo("current");
            assertThat(p.why()).isEqualTo("same layer code as the newest part (headline, bbbbbbb)");
        });
        assertThat(twoParts((a, b) -> 128).get("routing")).satisfies(p -> {
            assertThat(p.status()).isEqualTo("unknown");
            assertThat(p.why()).isEqualTo("git cannot compare aaaaaaa with bbbbbbb here");
        });
        Parts.Part dirty = Parts.part("curve", env("curve", OLD, "2026-12-02 08:00 UTC", "2026-12-02 08:30 UTC", 2),
                Results.parse("[]"), Extra.NONE);
        Parts.Part newest = Parts.part("headline", env("headline", NEW, "2026-12-03 19:10 UTC", "2026-12-03 19:48 UTC",
                0), Results.parse("[]"), Extra.NONE);
        Parts.Part noEnv = Parts.part("startup", List.of(), Results.parse("[]"), Extra.NONE);
        Parts judged = Parts.judged(List.of(dirty, newest, noEnv), (a, b) -> {
            throw new AssertionError("git is not asked when the answer is already known");
        });
        assertThat(judged.all()).extracting(Parts.Part::name).containsExactly("headline", "curve", "startup");
        assertThat(judged.get("curve").why()).isEqualTo("uncommitted changes in the layer code when it or the newest"
                + " part (headline, bbbbbbb) ran");
        assertThat(judged.get("startup").status()).isEqualTo("unknown");
        assertThat(judged.get("startup").why()).isEqualTo("no commit recorded (no startup.env)");
    }

    static String git(Path repo, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", repo.toString(), "-c", "user.name=bench", "-c",
                "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    static String commit(Path repo, String file, String text) throws IOException, InterruptedException {
        Path f = repo.resolve(file);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", file);
        return git(repo, "rev-parse", "HEAD");
    }

    @Test
    void staleness_fromGit_onlyChangesToTheLayerCodeMakeAPartStale(@TempDir Path repo) throws Exception {
        git(repo, "init", "-q");
        String c1 = commit(repo, "data-core/src/A.java", "class A {}");
        String c2 = commit(repo, "docs/notes.md", "notes");
        String c3 = commit(repo, "sharding-config/src/B.java", "class B {}");
        Parts.Git git = Parts.Git.in(repo);

        assertThat(git.diffLayerCode(c1, c2)).isZero();
        assertThat(git.diffLayerCode(c2, c3)).isEqualTo(1);
        assertThat(git.diffLayerCode(c1, "f".repeat(40))).isNotIn(0, 1);
    }

    @Test
    void parts_readFromTheResultsDirectory_withSidecarAndEnv_partWithoutEnvIsUnknown(@TempDir Path dir)
            throws Exception {
        Files.writeString(dir.resolve("headline.json"), "[" + mixed("MixedWorkloadBenchmark", 8, "LAYER", 3, 2.0,
                "0.01", 10.0, null) + "]");
        Files.writeString(dir.resolve("headline-extra.jsonl"), settle("MixedWorkloadBenchmark.threads008", "LAYER", 5,
                false) + "\n");
        Files.write(dir.resolve("headline.env"), env("headline", NEW, "2026-12-03 19:10 UTC", "2026-12-03 19:48 UTC",
                0));
        Files.writeString(dir.resolve("startup.json"), "[" + run("StartupBenchmark.start", "ss", 1,
                "\"shape\":\"S64_M36\"", 900.0, "5", "ms/op", "") + "]");

        Parts parts = Parts.read(dir, (a, b) -> 1);

        assertThat(parts.all()).extracting(Parts.Part::name).containsExactly("headline", "startup");
        assertThat(parts.results().runs()).extracting(Results.Run::part).containsExactly("headline", "startup");
        assertThat(parts.extra().unsettled()).singleElement().satisfies(s -> assertThat(s.part()).isEqualTo("headline"));
        assertThat(parts.get("startup").why()).isEqualTo("no commit recorded (no startup.env)");
        assertThat(new Report(parts, List.of(), "parts", "chart.svg").markdown())
                .contains("| 64 shards x 36 months | 900.0 |");
    }

    @Test
    void concat_theStepsOfAPart_oneArrayInOrder_emptyStepsSkipped() {
        String a = "[" + run("PointReadBenchmark.pointRead", "avgt", 1, "\"access\":\"RAW\"", 1.0, "0", "us/op", "")
                + "]";
        String b = "[\n" + run("InsertBenchmark.insert", "avgt", 1, "\"access\":\"RAW\"", 2.0, "0", "us/op", "") + ","
                + run("InsertBenchmark.insert", "avgt", 1, "\"access\":\"LAYER\"", 3.0, "0", "us/op", "") + "\n]\n";

        Results merged = Results.parse(Parts.concat(List.of(a, "", "[ ]", b)));

        assertThat(merged.runs()).extracting(Results.Run::score).containsExactly(1.0, 2.0, 3.0);
        assertThat(Results.parse(Parts.concat(List.of()))).satisfies(r -> assertThat(r.runs()).isEmpty());
        assertThatThrownBy(() -> Parts.concat(List.of("{\"a\":1}"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a JMH result file is a JSON array; was {\"a\":1}");
    }

    @Test
    void headlineVerdict_metMissedNotConclusiveNotMeasured() {
        Report.Verdict met = new Report.Verdict("t", "0.95x", true, "", "yes: the 99.9 % range 0.94x to 0.96x is on"
                + " one side of 0.90x");
        Report.Verdict missed = new Report.Verdict("t", "0.80x", false, "short by 11 %", "yes: ...");
        Report.Verdict open = new Report.Verdict("t", "0.91x", true, "", "no: the 99.9 % range 0.85x to 0.97x"
                + " straddles 0.90x");

        assertThat(Report.headlineVerdict(met)).isEqualTo("**met**");
        assertThat(Report.headlineVerdict(missed)).isEqualTo("**missed** (short by 11 %)");
        assertThat(Report.headlineVerdict(open)).isEqualTo("**not conclusive**: the 99.9 % range 0.85x to 0.97x"
                + " straddles 0.90x; point estimate met");
        assertThat(Report.headlineVerdict(new Report.Verdict("t", "-", null, ""))).isEqualTo("not measured in this run");
    }

    @Test
    void cpuVerdict_clientJvmCpuPerOperation_layerOverRawTwin_conclusiveFromEveryForkPairing() {
        String json = "[" + MIXED_8_THREADS_3_FORKS + "]";
        List<String> lines = new ArrayList<>();
        double[] layer = {150, 150, 160};
        double[] raw = {100, 100, 105};
        for (int f = 0; f < 3; f++) {
            lines.add(iteration("MixedWorkloadBenchmark.threads008", "LAYER", 8, 10 + f, 1, 1.0, 1000,
                    "\"client\":" + layer[f]));
            lines.add(iteration("MixedWorkloadBenchmark.threads008", "RAW", 8, 20 + f, 1, 1.0, 1000,
                    "\"client\":" + raw[f]));
        }
        Report report = new Report(Results.parse(json), Extra.parse(String.join("\n", lines)), List.of(), "run.json",
                "chart.svg");

        assertThat(report.verdicts()).filteredOn(v -> v.target().startsWith("Client-JVM CPU per mixed operation at 8"))
                .singleElement().satisfies(v -> {
                    assertThat(v.target()).endsWith("<= 1.30x");
                    assertThat(v.measured()).isEqualTo("1.51x (153 vs 102 µs)");
                    assertThat(v.met()).isFalse();
                    assertThat(v.conclusive()).isEqualTo("yes: fork-by-fork ratios 1.43x to 1.60x are on one side of"
                            + " 1.30x");
                });
        assertThat(report.markdown()).contains("| #11 | Client-JVM CPU per mixed operation at 8 threads, layer / raw twin"
                + " <= 1.30x | 1.51x (153 vs 102 µs) | **missed** (missed by 16 % (1.51x vs 1.30x)) |");
    }

    @Test
    void headline_forkNotSettledAndIterationsNotFlat_holdsAConclusiveVerdict_settledOrFlat_doesNot() {
        String json = "[" + MIXED_8_THREADS_3_FORKS + "]";
        String moving = String.join("\n",
                settle("MixedWorkloadBenchmark.threads008", "LAYER", 7, false),
                iteration("MixedWorkloadBenchmark.threads008", "LAYER", 8, 7, 1, 1.0, 1000, ""),
                iteration("MixedWorkloadBenchmark.threads008", "LAYER", 8, 7, 2, 1.0, 1200, ""));
        String flat = moving.replace("1200", "1010");

        Report held = new Report(Results.parse(json), Extra.parse(moving), List.of(), "run.json", "chart.svg");
        Report kept = new Report(Results.parse(json), Extra.parse(flat), List.of(), "run.json", "chart.svg");

        assertThat(held.verdicts()).filteredOn(v -> v.target().startsWith("Mixed workload at 8 threads: layer/raw"))
                .singleElement().satisfies(v -> assertThat(v.conclusive()).isEqualTo("no:"
                        + " MixedWorkloadBenchmark.threads008 {service=LAYER}: the JIT did not settle within its bound in"
                        + " 1 fork and the measured iterations are not flat (+20 % first to last)"));
        assertThat(held.markdown()).contains("| **not conclusive**: MixedWorkloadBenchmark.threads008 {service=LAYER}:");
        assertThat(kept.verdicts()).filteredOn(v -> v.target().startsWith("Mixed workload at 8 threads: layer/raw"))
                .singleElement().satisfies(v -> assertThat(v.conclusive()).startsWith("yes: "));
    }

    @Test
    void wallet_singleShardTransaction_layerOverRawAtOneThread_againstIssue11sTarget() {
        String json = "[" + String.join(",",
                run("WalletBenchmark.threads001", "avgt", 1, "\"move\":\"RAW_TRANSACTION\"", 1000.0, "10", "us/op", ""),
                run("WalletBenchmark.threads001", "avgt", 1, "\"move\":\"LAYER_TRANSACTION\"", 1050.0, "10", "us/op",
                        "")).replace("\"forks\":1,", "\"forks\":3,") + "]";
        Report report = new Report(Results.parse(json), List.of(), "run.json", "chart.svg");

        assertThat(report.markdown()).contains("| #11 | Single-shard wallet transaction (1 thread) layer / raw <= 1.10x |"
                + " 1.05x | **met** | this run | not recorded |");
    }
}
