package com.skyriff.data.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

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
            run("PointReadBenchmark.pointRead", "avgt", 1, "\"access\":\"KEYED\"", 105.0, "\"NaN\"", "us/op", ""),
            run("CacheBenchmark.get", "avgt", 1, "\"read\":\"REDISSON\"", 0.2, "0.01", "ms/op", ""),
            run("CacheBenchmark.get", "avgt", 1, "\"read\":\"ENTITY\"", 210.0, "3", "us/op", ""),
            run("CacheBenchmark.get", "avgt", 1, "\"read\":\"NEAR\"", 1500.0, "3", "ns/op", ""),
            run("MixedWorkloadBenchmark.threads032", "sample", 32, "", 4.0, "0.1", "ms/op",
                    ",\"scorePercentiles\":{\"50.0\":3.0,\"99.0\":25.0,\"99.9\":40.0}")) + "]";

    @Test
    void markdown_layerSlowerThanTarget_reportsRatioAndMissedBy() {
        Report report = new Report(Results.parse(SAMPLE), List.of("cpus: 2"), "run.json", "chart.svg");

        String md = report.markdown();

        assertThat(md).contains("| LAYER | 250.0 | 5.000 | 2.50x |");
        assertThat(md).contains("| KEYED | 105.0 | n/a | 1.05x |");
        assertThat(report.verdicts()).filteredOn(v -> v.target().startsWith("Point read layer (ShardingSphere)"))
                .singleElement().satisfies(v -> {
                    assertThat(v.met()).isFalse();
                    assertThat(v.detail()).isEqualTo("missed by 117 % (2.50x vs 1.15x)");
                });
        assertThat(report.verdicts()).filteredOn(v -> v.target().startsWith("Point read layer, key-routed"))
                .singleElement().satisfies(v -> assertThat(v.met()).isTrue());
    }

    @Test
    void verdict_errorsReachAcrossTheTarget_saysNotConclusive() {
        String json = "[" + String.join(",",
                run("PointReadBenchmark.pointRead", "avgt", 1, "\"access\":\"RAW\"", 100.0, "10", "us/op", ""),
                run("PointReadBenchmark.pointRead", "avgt", 1, "\"access\":\"LAYER\"", 120.0, "10", "us/op", ""),
                run("PointReadBenchmark.pointRead", "avgt", 1, "\"access\":\"KEYED\"", 200.0, "5", "us/op", ""))
                + "]";
        Report report = new Report(Results.parse(json), List.of(), "run.json", "chart.svg");

        assertThat(report.verdicts()).filteredOn(v -> v.target().startsWith("Point read layer (ShardingSphere)"))
                .singleElement().satisfies(v -> assertThat(v.detail()).isEqualTo("missed by 4 % (1.20x vs 1.15x);"
                        + " not conclusive: within both runs' 99.9 % errors the ratio is 1.00x to 1.44x"));
        assertThat(report.verdicts()).filteredOn(v -> v.target().startsWith("Point read layer, key-routed"))
                .singleElement().satisfies(v -> assertThat(v.detail()).isEqualTo("missed by 74 % (2.00x vs 1.15x)"));
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
                });
    }

    @Test
    void markdown_mixedWorkload_throughputIsThreadsOverMeanAndP99FromPercentiles() {
        Report report = new Report(Results.parse(SAMPLE), List.of(), "run.json", "chart.svg");

        String md = report.markdown();

        assertThat(md).contains("| as built | 32 | 8,000 | 4.000 | 3.000 | 25.00 | 40.00 |");
        assertThat(report.verdicts()).filteredOn(v -> v.target().contains("p99")).singleElement()
                .satisfies(v -> assertThat(v.detail()).isEqualTo("missed by 25 %"));
        assertThat(report.verdicts()).filteredOn(v -> v.target().contains("operations/s")).singleElement()
                .satisfies(v -> assertThat(v.met()).isTrue());
    }

    @Test
    void markdown_mixedWorkloadBothMapperPaths_listsBothAndChecksTheTargetsOnTheKeyedOne() {
        String json = "[" + String.join(",",
                run("MixedWorkloadBenchmark.threads032", "sample", 32, "\"mappers\":\"SHARDINGSPHERE\"", 16.0, "0.1",
                        "ms/op", ",\"scorePercentiles\":{\"50.0\":12.0,\"99.0\":80.0,\"99.9\":120.0}"),
                run("MixedWorkloadBenchmark.threads032", "sample", 32, "\"mappers\":\"KEYED\"", 8.0, "0.1", "ms/op",
                        ",\"scorePercentiles\":{\"50.0\":6.0,\"99.0\":30.0,\"99.9\":50.0}")) + "]";
        Report report = new Report(Results.parse(json), List.of(), "run.json", "chart.svg");

        String md = report.markdown();

        assertThat(md).contains("| `KEYED` | 32 | 4,000 | 8.000 | 6.000 | 30.00 | 50.00 |")
                .contains("| `SHARDINGSPHERE` | 32 | 2,000 | 16.00 | 12.00 | 80.00 | 120.0 |");
        assertThat(md.indexOf("| `KEYED` | 32")).isLessThan(md.indexOf("| `SHARDINGSPHERE` | 32"));
        assertThat(report.verdicts()).filteredOn(v -> v.target().contains("operations/s")).singleElement()
                .satisfies(v -> assertThat(v.measured()).isEqualTo("4,000 ops/s"));
        assertThat(report.verdicts()).filteredOn(v -> v.target().contains("p99")).singleElement()
                .satisfies(v -> assertThat(v.measured()).isEqualTo("30.00 ms"));
    }

    @Test
    void markdown_benchmarkNotRun_saysSoInsteadOfAFigure() {
        Report report = new Report(Results.parse(SAMPLE), List.of(), "run.json", "chart.svg");

        assertThat(report.markdown()).contains("| RAW_TRIPS | not measured in this run |");
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
}
