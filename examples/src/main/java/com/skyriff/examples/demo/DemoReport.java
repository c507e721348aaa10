package com.skyriff.examples.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the demo measured, as text ({@link #print}) and as a picture ({@link #svg}: ops/s over time, latency
 * percentiles per operation, statements per node, cache hit ratio; {@link #write} puts both next to each other, with an
 * HTML page around the picture). Immutable.
 *
 * @param phase           the embedded topology's roadmap phase; null for a run against a cluster of {@code --rules}
 * @param cores           processors of this machine
 * @param sameMachine     every PostgreSQL node of the rules is on this machine (loopback): they share its cores
 * @param operations      per operation: count and latency percentiles in microseconds
 * @param nodeBorrows     per physical node (ShardingSphere data-source name): connections borrowed from its pool, i.e.
 *                        statements it answered (a transaction borrows once for all of its statements)
 * @param cacheHits       profile reads answered by the cache (near or Redis); -1 when the run had no cache
 * @param maxReplicaLagMs the largest replay lag any replica reported during the run; -1 when there are no replicas
 * @param opsPerSecond    operations completed in each second of the workload
 */
record DemoReport(String target, Phase phase, int cores, boolean sameMachine, int shards, int pgNodes, long seededUsers,
                  long seededVideos, long seededEvents, Duration seedTime, int threads, Duration elapsed,
                  long totalOperations, long errors, long refusedDebits, Map<String, OpStats> operations,
                  Map<String, Long> nodeBorrows, long cacheHits, long cacheMisses, double maxReplicaLagMs,
                  long[] opsPerSecond, List<String> errorSamples) {

    record OpStats(long count, double p50Micros, double p95Micros, double p99Micros) {
    }

    /** The examples module's {@code target/demo-report} (from {@code skyriff.home}, which bin/skyriff sets). */
    static Path defaultDir() {
        String home = System.getProperty("skyriff.home");
        return home != null ? Path.of(home, "examples", "target", "demo-report") : Path.of("target", "demo-report");
    }

    double opsPerSecondAverage() {
        return totalOperations / Math.max(0.001, elapsed.toNanos() / 1e9);
    }

    long replicaBorrows() {
        return nodeBorrows.entrySet().stream().filter(e -> e.getKey().contains("_replica_"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    double cacheHitRatio() {
        long all = cacheHits + cacheMisses;
        return all == 0 ? 0 : (double) cacheHits / all;
    }

    /** Servers this run used: PostgreSQL nodes, plus Redis for the embedded phases (one, or one + a 3-master cluster). */
    int servers() {
        return phase != null ? phase.servers() : pgNodes;
    }

    /** What the topology is and adds, and why its numbers on one machine read as they do; a line each. */
    List<String> explanation() {
        List<String> out = new ArrayList<>();
        if (phase != null) {
            out.add("phase " + phase.number + ": " + phase.description);
            for (Phase p : Phase.values()) {
                if (p.number <= phase.number) {
                    out.add((p.number == 1 ? "  phase 1 is " : "  phase " + p.number + " adds ") + p.adds);
                }
            }
        } else {
            out.add("cluster of " + target + ": " + shards + (shards == 1 ? " shard, " : " shards, ") + pgNodes
                    + " PostgreSQL nodes");
        }
        if (sameMachine) {
            out.add("note: the " + servers() + " servers of this run and the demo's " + threads + " client threads all share"
                    + " this machine's " + cores + " cores, so each server added takes CPU from the others instead of adding"
                    + " capacity: expect phase 1 (one PostgreSQL) to be faster here than phase 4. On separate machines each"
                    + " replica and shard brings its own cores, memory and disks. Read this report for where the statements"
                    + " went (statements per node), not as a speed-up.");
        }
        return out;
    }

    void print(PrintStream out) {
        out.println();
        out.println("== SkyRiff demo report (" + target + ")");
        explanation().forEach(out::println);
        out.printf(Locale.ROOT, "seeded: %,d users, %,d videos, %,d watch events in %.1f s%n", seededUsers, seededVideos,
                seededEvents, seedTime.toMillis() / 1000.0);
        out.printf(Locale.ROOT, "workload: %d client threads for %.1f s: %,d operations, %,.0f ops/s, errors: %d "
                        + "(refused debits, a business outcome: %d)%n", threads, elapsed.toMillis() / 1000.0,
                totalOperations, opsPerSecondAverage(), errors, refusedDebits);
        out.println();
        out.printf("%-15s %10s %10s %10s %10s%n", "operation", "count", "p50 ms", "p95 ms", "p99 ms");
        operations.forEach((op, s) -> out.printf(Locale.ROOT, "%-15s %10d %10.2f %10.2f %10.2f%n", op, s.count(),
                s.p50Micros() / 1000, s.p95Micros() / 1000, s.p99Micros() / 1000));
        out.println();
        out.printf("%-28s %12s%n", "node", "statements");
        nodeBorrows.forEach((node, n) -> out.printf("%-28s %12d%n", node, n));
        out.println();
        if (cacheHits >= 0) {
            out.printf(Locale.ROOT, "profile cache: %d hits (near cache or Redis), %d misses, hit ratio %.1f %%%n", cacheHits,
                    cacheMisses, 100 * cacheHitRatio());
        } else {
            out.println("profile cache: off (no cache: section in the rules)");
        }
        if (maxReplicaLagMs >= 0) {
            out.printf(Locale.ROOT, "max observed replica replay lag: %.1f ms%n", maxReplicaLagMs);
        }
        errorSamples.forEach(e -> out.println("error sample: " + e));
    }

    /** Writes {@code demo-report.txt}, {@code demo-report.svg} and {@code demo-report.html} into {@code dir}; returns txt, html, svg. */
    Path[] write(Path dir) {
        try {
            Files.createDirectories(dir);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            String text = bytes.toString(StandardCharsets.UTF_8);
            Path txt = Files.writeString(dir.resolve("demo-report.txt"), text);
            String svg = svg();
            Path svgFile = Files.writeString(dir.resolve("demo-report.svg"), svg);
            Path html = Files.writeString(dir.resolve("demo-report.html"), "<!DOCTYPE html>\n<html lang=\"en\"><head>"
                    + "<meta charset=\"utf-8\"><title>SkyRiff demo report</title></head>\n<body style=\"font-family:"
                    + "sans-serif;margin:16px\">\n" + svg + "\n<pre style=\"font-size:13px\">" + escape(text.strip())
                    + "</pre>\n</body></html>\n");
            return new Path[] {txt, html, svgFile};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final int W = 1000;
    private static final int LEFT = 170;
    private static final int PLOT = W - LEFT - 60;
    private static final String[] PCT_COLORS = {"#4e79a7", "#f28e2b", "#e15759"};

    /** The picture: one SVG, four charts stacked. */
    String svg() {
        StringBuilder b = new StringBuilder();
        int y = 34;
        b.append(text(20, y, 20, "bold", "SkyRiff demo: " + target));
        y += 10;
        for (String line : explanation()) {
            for (String part : wrap(line, 140)) {
                y += 17;
                b.append(text(20, y, 12, "normal", part));
            }
        }
        y += 26;
        b.append(text(20, y, 13, "normal", String.format(Locale.ROOT, "%,d operations in %.1f s by %d client threads: "
                + "%,.0f ops/s on average; errors %d; refused debits (a business outcome) %d", totalOperations,
                elapsed.toMillis() / 1000.0, threads, opsPerSecondAverage(), errors, refusedDebits)));
        y = opsChart(b, y + 24);
        y = latencyChart(b, y + 30);
        y = nodeChart(b, y + 30);
        y = cacheChart(b, y + 30);
        int height = y + 20;
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + W + "\" height=\"" + height + "\" viewBox=\"0 0 " + W
                + " " + height + "\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n<rect width=\"100%\" height=\"100%\" "
                + "fill=\"white\"/>\n" + b + "</svg>\n";
    }

    private int opsChart(StringBuilder b, int top) {
        b.append(text(20, top, 15, "bold", "Operations per second over time"));
        int y0 = top + 24;
        int h = 180;
        long max = 1;
        for (long v : opsPerSecond) {
            max = Math.max(max, v);
        }
        long scale = niceCeiling(max);
        for (int i = 0; i <= 4; i++) {
            int gy = y0 + h - h * i / 4;
            b.append(line(LEFT, gy, LEFT + PLOT, gy, "#dddddd"));
            b.append(textEnd(LEFT - 8, gy + 4, 11, trim(scale * i / 4.0)));
        }
        int n = opsPerSecond.length;
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < n; i++) {
            double x = LEFT + (n == 1 ? PLOT / 2.0 : PLOT * (double) i / (n - 1));
            double yy = y0 + h - h * (double) opsPerSecond[i] / scale;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, yy));
            b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#4e79a7\"/>%n", x, yy));
        }
        b.append("<polyline fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"2\" points=\"").append(points).append("\"/>\n");
        b.append(line(LEFT, y0 + h, LEFT + PLOT, y0 + h, "#888888"));
        for (int i = 0; i < n; i += Math.max(1, n / 10)) {
            double x = LEFT + (n == 1 ? PLOT / 2.0 : PLOT * (double) i / (n - 1));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%d s</text>%n",
                    x, y0 + h + 16, i + 1));
        }
        b.append(textEnd(LEFT - 8, y0 - 12, 11, "ops/s"));
        b.append(text(LEFT, y0 + h + 34, 11, "normal", "each point: operations completed in that second of the run "
                + "(the last second may be partial)"));
        return y0 + h + 34;
    }

    private int latencyChart(StringBuilder b, int top) {
        b.append(text(20, top, 15, "bold", "Latency per operation (ms): p50, p95, p99"));
        int lx = LEFT + PLOT - 230;
        for (int i = 0; i < 3; i++) {
            b.append(rect(lx + i * 80, top - 10, 12, 12, PCT_COLORS[i]));
            b.append(text(lx + i * 80 + 16, top, 12, "normal", new String[] {"p50", "p95", "p99"}[i]));
        }
        double max = 0.001;
        for (OpStats s : operations.values()) {
            max = Math.max(max, s.p99Micros() / 1000);
        }
        double scale = niceCeiling(max);
        int y = top + 16;
        for (Map.Entry<String, OpStats> e : operations.entrySet()) {
            OpStats s = e.getValue();
            double[] v = {s.p50Micros() / 1000, s.p95Micros() / 1000, s.p99Micros() / 1000};
            b.append(textEnd(LEFT - 8, y + 17, 12, e.getKey() + " (" + s.count() + ")"));
            for (int i = 0; i < 3; i++) {
                int w = (int) Math.max(1, PLOT * v[i] / scale);
                b.append(rect(LEFT, y + i * 10, w, 9, PCT_COLORS[i]));
                b.append(text(LEFT + w + 4, y + i * 10 + 8, 9, "normal", String.format(Locale.ROOT, "%.2f", v[i])));
            }
            y += 38;
        }
        b.append(line(LEFT, top + 12, LEFT, y - 6, "#888888"));
        b.append(text(LEFT, y + 8, 11, "normal", String.format(Locale.ROOT, "bar length: 0 to %s ms; in parentheses: "
                + "operations run", trim(scale))));
        return y + 8;
    }

    private int nodeChart(StringBuilder b, int top) {
        b.append(text(20, top, 15, "bold", "Statements per node (connections borrowed from its pool)"));
        b.append(rect(LEFT + PLOT - 230, top - 10, 12, 12, "#59a14f"));
        b.append(text(LEFT + PLOT - 214, top, 12, "normal", "primary"));
        b.append(rect(LEFT + PLOT - 140, top - 10, 12, 12, "#76b7b2"));
        b.append(text(LEFT + PLOT - 124, top, 12, "normal", "replica"));
        long max = 1;
        for (long v : nodeBorrows.values()) {
            max = Math.max(max, v);
        }
        int y = top + 14;
        for (Map.Entry<String, Long> e : nodeBorrows.entrySet()) {
            int w = (int) Math.max(1, PLOT * (double) e.getValue() / max);
            b.append(textEnd(LEFT - 8, y + 13, 12, e.getKey()));
            b.append(rect(LEFT, y, w, 18, e.getKey().contains("_replica_") ? "#76b7b2" : "#59a14f"));
            b.append(text(LEFT + w + 4, y + 13, 11, "normal", String.format(Locale.ROOT, "%,d", e.getValue())));
            y += 24;
        }
        return y;
    }

    private int cacheChart(StringBuilder b, int top) {
        b.append(text(20, top, 15, "bold", "Profile cache"));
        int y = top + 14;
        if (cacheHits < 0) {
            b.append(text(LEFT, y + 14, 12, "normal", "off: the rules have no cache: section"));
            return y + 20;
        }
        long all = cacheHits + cacheMisses;
        int hw = all == 0 ? 0 : (int) Math.round(PLOT * (double) cacheHits / all);
        b.append(textEnd(LEFT - 8, y + 17, 12, "hit ratio"));
        b.append(rect(LEFT, y, hw, 24, "#59a14f"));
        b.append(rect(LEFT + hw, y, PLOT - hw, 24, "#e15759"));
        b.append(text(LEFT + 6, y + 17, 12, "normal", String.format(Locale.ROOT, "%.1f %% hits (%,d)", 100 * cacheHitRatio(),
                cacheHits)));
        b.append(textEnd(LEFT + PLOT - 6, y + 17, 12, String.format(Locale.ROOT, "misses (%,d)", cacheMisses)));
        b.append(text(LEFT, y + 42, 11, "normal", "a hit was answered by the near cache or Redis; a miss went to PostgreSQL"));
        return y + 42;
    }

    private static long niceCeiling(long v) {
        return (long) niceCeiling((double) v);
    }

    private static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%,.1f", v);
    }

    static List<String> wrap(String line, int width) {
        List<String> out = new ArrayList<>();
        String indent = line.startsWith("  ") ? "    " : "";
        String rest = line;
        while (rest.length() > width) {
            int cut = rest.lastIndexOf(' ', width);
            if (cut <= indent.length()) {
                cut = width;
            }
            out.add(rest.substring(0, cut));
            rest = indent + rest.substring(cut).strip();
        }
        out.add(rest);
        return out;
    }

    private static String text(int x, int y, int size, String weight, String s) {
        return "<text x=\"" + x + "\" y=\"" + y + "\" font-size=\"" + size + "\" font-weight=\"" + weight + "\" xml:space=\"preserve\">"
                + escape(s) + "</text>\n";
    }

    private static String textEnd(int x, int y, int size, String s) {
        return "<text x=\"" + x + "\" y=\"" + y + "\" font-size=\"" + size + "\" text-anchor=\"end\">" + escape(s) + "</text>\n";
    }

    private static String rect(int x, int y, int w, int h, String fill) {
        return "<rect x=\"" + x + "\" y=\"" + y + "\" width=\"" + w + "\" height=\"" + h + "\" fill=\"" + fill + "\"/>\n";
    }

    private static String line(int x1, int y1, int x2, int y2, String stroke) {
        return "<line x1=\"" + x1 + "\" y1=\"" + y1 + "\" x2=\"" + x2 + "\" y2=\"" + y2 + "\" stroke=\"" + stroke + "\"/>\n";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
