package com.skyriff.data.benchmarks.report;

import com.skyriff.data.benchmarks.report.Results.Run;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Writes {@code BENCHMARKS.md} and its chart from JMH JSON results: every figure, ratio and verdict is computed here
 * from those files, so the report is never typed by hand. Run by {@code benchmarks/run.sh}; by hand, from one result
 * or from the parts of a full run (every part present merged, each figure labelled with its part's commit and time,
 * and stale parts marked):
 *
 * <pre>
 * java -cp benchmarks/target/classes com.skyriff.data.benchmarks.report.Report \
 *     benchmarks/results/full-run.json benchmarks/results/full-run.env BENCHMARKS.md BENCHMARKS.svg
 * java -cp benchmarks/target/classes com.skyriff.data.benchmarks.report.Report --parts \
 *     benchmarks/results/parts . BENCHMARKS.md BENCHMARKS.svg
 * </pre>
 *
 * Not thread-safe (one report per instance).
 */
public final class Report {
    /** Issue #11: point read, insert into user+month, 3-month range (vs the raw UNION ALL): layer/raw at most this. */
    static final double LAYER_RATIO = 1.05;
    /** Issue #11: single-shard wallet transaction, layer/raw at most this. */
    static final double WALLET_RATIO = 1.10;
    /** Issue #11: client-JVM CPU per mixed operation, layer/raw twin at most this. */
    static final double CPU_RATIO = 1.3;
    static final double CACHE_RATIO = 1.10;
    static final double NEAR_MICROS = 2.0;
    static final double CACHE_PAYS = 1.3;
    /** Issue #11: planning cost flat from 2 x 12 to 64 shards x 36 months, within this. */
    static final double ROUTING_FLAT = 1.10;
    /** Mixed workload: layer/raw throughput at least this, at 8 and at 32 client threads. */
    static final double MIXED_RATIO = 0.90;
    static final double MIXED_P99_MS_8 = 20;
    static final double MIXED_P99_MS_32 = 40;
    /** Forks a verdict needs before its interval says anything about fork-to-fork variation. */
    static final int MIN_FORKS = 3;
    /** A measured figure whose first and last iterations differ by more than this is not flat. */
    static final double FLAT = 0.05;
    /** Throughput "stops growing" at a thread count when the next one adds less than this. */
    static final double GROWS = 0.10;
    /** The mixed workload's thread counts (the curve) and the variants' ones. */
    static final List<Integer> CURVE = List.of(1, 2, 4, 8, 32);

    private final Results results;
    private final Extra extra;
    private final Parts parts;
    private final List<Headline> headline = new ArrayList<>();
    private final List<String> environment;
    private final String source;
    private final String chartName;
    private final StringBuilder md = new StringBuilder();
    private final List<Verdict> verdicts = new ArrayList<>();
    private final List<Chart.Bar> bars = new ArrayList<>();
    private final List<Chart.Point> curve = new ArrayList<>();
    private Results before;
    private String beforeSource;
    private String beforeChange;

    /**
     * One target: what was measured against what was asked.
     *
     * @param conclusive "yes: ..." or "no: <why not>"; null where there is no target or no figure
     */
    record Verdict(String target, String measured, Boolean met, String detail, String conclusive) {
        Verdict(String target, String measured, Boolean met, String detail) {
            this(target, measured, met, detail, null);
        }

        Verdict withConclusive(String c) {
            return new Verdict(target, measured, met, detail, c);
        }

        String status() {
            if (met == null) {
                return "reported".equals(detail) ? "reported (no target)" : "not measured in this run";
            }
            return met ? "met" : "**missed**";
        }
    }

    Report(Results results, List<String> environment, String source, String chartName) {
        this(results, Extra.NONE, environment, source, chartName);
    }

    Report(Results results, Extra extra, List<String> environment, String source, String chartName) {
        this(results, extra, Parts.NONE, environment, source, chartName);
    }

    /** From the parts of a full run: their runs and sidecars merged, their conditions listed per part. */
    Report(Parts parts, List<String> environment, String source, String chartName) {
        this(parts.results(), parts.extra(), parts, environment, source, chartName);
    }

    private Report(Results results, Extra extra, Parts parts, List<String> environment, String source,
                   String chartName) {
        this.results = results;
        this.extra = extra;
        this.parts = parts;
        this.environment = List.copyOf(environment);
        this.source = source;
        this.chartName = chartName;
    }

    /**
     * One row of the headline table: a target of issue #11 or #12 and the runs its figure comes from.
     *
     * @param issue which issue sets the target ("#11", "#12", "#11, #12")
     */
    record Headline(String issue, Verdict verdict, List<Run> runs) {
    }

    /**
     * {@code Report <jmh-result.json> <environment.txt> <BENCHMARKS.md> <chart.svg> [<before.json> <what changed>]}:
     * with a fifth and sixth argument, a before/after table compares every run found in both results.
     */
    public static void main(String[] args) throws IOException {
        if (args.length > 1 && args[0].equals("--concat")) {
            List<String> texts = new ArrayList<>();
            for (int i = 2; i < args.length; i++) {
                texts.add(Files.readString(Path.of(args[i]), StandardCharsets.UTF_8));
            }
            Files.writeString(Path.of(args[1]), Parts.concat(texts), StandardCharsets.UTF_8);
            return;
        }
        if (args.length > 0 && args[0].equals("--parts")) {
            mainParts(List.of(args).subList(1, args.length));
            return;
        }
        if (args.length != 4 && args.length != 6) {
            System.err.println("usage: Report <jmh-result.json> <environment.txt> <out.md> <out.svg>"
                    + " [<before.json> <what changed>]\n"
                    + "       Report --parts <parts dir> <git work tree> <out.md> <out.svg> [<before.json> <what changed>]");
            System.exit(2);
        }
        Path json = Path.of(args[0]);
        Path env = Path.of(args[1]);
        Path mdOut = Path.of(args[2]);
        Path svgOut = Path.of(args[3]);
        List<String> environment = new ArrayList<>(Files.exists(env) ? Files.readAllLines(env, StandardCharsets.UTF_8)
                : List.of());
        Path conditions = env.resolveSibling("conditions.txt");
        if (Files.exists(conditions)) {
            environment.add("conditions (noted by whoever ran the suite): "
                    + String.join(" ", Files.readAllLines(conditions, StandardCharsets.UTF_8)).strip());
        }
        Path root = mdOut.toAbsolutePath().getParent();
        String source = root == null ? json.toString() : root.relativize(json.toAbsolutePath()).toString();
        String chart = root == null ? svgOut.toString() : root.relativize(svgOut.toAbsolutePath()).toString();
        Path sidecar = Extra.sidecarOf(json);
        Report report = new Report(Results.read(json), Extra.read(sidecar), environment, source, chart);
        if (args.length == 6) {
            Path before = Path.of(args[4]);
            report.before(Results.read(before), root == null ? before.toString()
                    : root.relativize(before.toAbsolutePath()).toString(), args[5]);
        }
        write(report, mdOut, svgOut, json.toString());
    }

    /** {@code --parts <dir> <staleness.txt> <out.md> <out.svg> [<before.json> <what changed>]}. */
    private static void mainParts(List<String> args) throws IOException {
        if (args.size() != 4 && args.size() != 6) {
            System.err.println("usage: Report --parts <parts dir> <git work tree> <out.md> <out.svg>"
                    + " [<before.json> <what changed>]");
            System.exit(2);
        }
        Path dir = Path.of(args.get(0));
        Path repo = Path.of(args.get(1));
        Path mdOut = Path.of(args.get(2));
        Path svgOut = Path.of(args.get(3));
        Parts parts = Parts.read(dir, Parts.Git.in(repo));
        if (parts.isEmpty()) {
            System.err.println("Report: no part in " + dir + " (run `benchmarks/run.sh part <name>` first)");
            System.exit(1);
        }
        List<String> environment = new ArrayList<>();
        Path conditions = dir.resolveSibling("conditions.txt");
        if (Files.exists(conditions)) {
            environment.add("conditions (noted by whoever ran the suite): "
                    + String.join(" ", Files.readAllLines(conditions, StandardCharsets.UTF_8)).strip());
        }
        Path root = mdOut.toAbsolutePath().getParent();
        String source = (root == null ? dir.toString() : root.relativize(dir.toAbsolutePath()).toString()) + "/*.json";
        String chart = root == null ? svgOut.toString() : root.relativize(svgOut.toAbsolutePath()).toString();
        Report report = new Report(parts, environment, source, chart);
        if (args.size() == 6) {
            Path before = Path.of(args.get(4));
            report.before(Results.read(before), root == null ? before.toString()
                    : root.relativize(before.toAbsolutePath()).toString(), args.get(5));
        }
        write(report, mdOut, svgOut, dir + " (" + parts.all().size() + " parts)");
    }

    private static void write(Report report, Path mdOut, Path svgOut, String from) throws IOException {
        Files.writeString(mdOut, report.markdown(), StandardCharsets.UTF_8);
        Files.writeString(svgOut, report.svg(), StandardCharsets.UTF_8);
        long missed = report.verdicts.stream().filter(v -> Boolean.FALSE.equals(v.met())).count();
        System.out.println("Report: wrote " + mdOut + " and " + svgOut + " from " + from + " ("
                + report.verdicts.size() + " targets, " + missed + " missed)");
    }

    /** The whole markdown document. */
    String markdown() {
        if (md.length() > 0) {
            return md.toString();
        }
        // the sections first (they collect the verdicts), then the document with the headline on top
        pointRead();
        insert();
        rangeRead();
        cacheHit();
        cachePays();
        routing();
        mixed();
        startup();
        wallet();
        steadyState();
        limit();
        beforeAfter();
        targets();
        md.append("## Chart\n\n![Ratios against their targets, and the mixed workload's throughput](")
                .append(chartName).append(")\n\n");
        md.append(notes());
        String body = md.toString();
        md.setLength(0);
        md.append("# SkyRiff Data benchmarks\n\n");
        md.append("> Generated by `benchmarks/run.sh` (the `Report` step of the benchmarks module) from `")
                .append(source).append("`. Do not edit by hand: every figure, ratio and verdict below is computed ")
                .append(parts.isEmpty() ? "from that JMH result" : "from those JMH results (the parts of the full run"
                        + " present, merged)").append(". Rerun the suite to change it.\n\n");
        headline();
        partsTable();
        machine();
        howToRun();
        md.append(body);
        return md.toString();
    }

    /** The chart of the same run. */
    String svg() {
        markdown();
        return Chart.svg(bars, curve);
    }

    List<Verdict> verdicts() {
        markdown();
        return List.copyOf(verdicts);
    }

    // ---- sections ----

    private void machine() {
        md.append("## Machine and conditions\n\n");
        for (String line : environment) {
            if (!line.isBlank()) {
                md.append("- ").append(line.strip()).append('\n');
            }
        }
        for (Parts.Part p : parts.all()) {
            md.append("- part `").append(p.name()).append("` (commit ").append(p.shortCommit()).append("):\n");
            for (String line : p.environment()) {
                md.append("  - ").append(line).append('\n');
            }
        }
        if (!results.runs().isEmpty()) {
            Run any = results.runs().get(0);
            md.append("- JVM: ").append(any.vm()).append(" (JDK ").append(any.jdk()).append(")\n");
            int forks = results.runs().stream().mapToInt(Run::forks).max().orElse(0);
            md.append("- JMH: ").append(results.runs().size()).append(" runs, ")
                    .append(forks == 0 ? "in-process (no fork): one local topology for the whole run"
                            : forks + " fork(s) each; every fork starts its own local topology")
                    .append(" (2 shards x (primary + 1 streaming replica) + Redis, on this machine) and seeds it;"
                            + " warmup / measurement per run in the tables.\n");
        }
        md.append('\n');
    }

    private void howToRun() {
        md.append("## How to run\n\n```bash\n")
                .append("benchmarks/run.sh parts            # the parts, what each measures and its estimated duration\n")
                .append("benchmarks/run.sh part headline    # one part (about 35-40 min on a quiet 2-core machine); then this report\n")
                .append("benchmarks/run.sh full             # every part in sequence (the whole suite, several hours); then this report\n")
                .append("benchmarks/run.sh report           # only regenerate this report from the parts present\n")
                .append("benchmarks/run.sh smoke            # CI: every benchmark once, in-process, short (< 2 min)\n")
                .append("```\n\n")
                .append("Each part writes `benchmarks/results/parts/<part>.json` (JMH), `<part>-extra.jsonl` (the"
                        + " sidecar: steady-state warm-ups, per-iteration CPU, ceilings) and `<part>.env` (commit, start"
                        + " and end time, estimate, settings, the machine's load before and after). The report merges"
                        + " every part present; a part measured on a commit whose layer code (`"
                        + String.join("`, `", Parts.LAYER_CODE) + "`) differs from the newest part's is **stale**.\n\n");
    }

    private void partsTable() {
        if (parts.isEmpty()) {
            return;
        }
        md.append("## Parts in this report\n\n")
                .append("Every figure below comes from one of these parts. A **stale** part was measured on a commit"
                        + " whose layer code differs from the newest part's: its figures are not the current code's.\n\n")
                .append("| part | commit | started | finished | estimated | settings | layer code | JIT not settled"
                        + " within its bound |\n|---|---|---|---|---|---|---|---|\n");
        for (Parts.Part p : parts.all()) {
            long unsettled = p.extra().unsettled().size();
            long trials = p.extra().settles().size();
            md.append("| `").append(p.name()).append("` | ").append(p.shortCommit()).append(" | ")
                    .append(or(p.started())).append(" | ").append(or(p.finished())).append(" | ")
                    .append(or(p.estimated())).append(" | ").append(or(p.settings())).append(" | ")
                    .append(p.stale() ? "**stale**: " + p.why() : p.status().equals("current") ? "current"
                            + (p.why().isEmpty() ? "" : " (" + p.why() + ")") : "unknown: " + p.why())
                    .append(" | ").append(trials == 0 ? "no steady-state warm-up recorded"
                            : unsettled == 0 ? "none (" + trials + " fork warm-ups settled)"
                            : "**" + unsettled + " of " + trials + " fork warm-ups**: " + unsettledList(p.extra()))
                    .append(" |\n");
        }
        md.append('\n');
    }

    private static String or(String v) {
        return v == null || v.isEmpty() ? "-" : v;
    }

    private static String unsettledList(Extra e) {
        StringBuilder s = new StringBuilder();
        for (Extra.Settle u : e.unsettled()) {
            s.append(s.length() == 0 ? "" : "; ").append(u.benchmark()).append('.').append(u.method())
                    .append(new java.util.TreeMap<>(u.params())).append(" (bound ").append(fmt(u.boundSeconds()))
                    .append(" s)");
        }
        return s.toString();
    }

    /** The targets of issues #11 and #12 beside each measured figure, with a verdict, on top of the report. */
    private void headline() {
        md.append("## Headline: the targets of issues #11 and #12\n\n")
                .append("Each target beside its measured ratio and verdict: **met** or **missed** when the verdict is"
                        + " conclusive, **not conclusive** (and why) when it is not, **not measured in this run** when"
                        + " the part that measures it was not run. Conclusive: the ratio's range under both runs' 99.9 %"
                        + " intervals (p99: every fork's own p99; CPU: every fork's own CPU per operation) lies on one"
                        + " side of the target, from at least " + MIN_FORKS + " forks.\n\n")
                .append("| issue | target | measured | verdict | part | steady state |\n|---|---|---|---|---|---|\n");
        for (Headline h : headline) {
            Verdict v = h.verdict();
            boolean measured = v.met() != null || "reported".equals(v.detail());
            md.append("| ").append(h.issue()).append(" | ").append(v.target()).append(" | ").append(v.measured())
                    .append(" | ").append(headlineVerdict(v) + (measured ? "" : " (`benchmarks/run.sh part "
                            + partMeasuring(v.target()) + "`)")).append(" | ").append(measured ? partOf(h.runs()) : "-")
                    .append(" | ").append(measured ? steadyStateOf(h.runs()) : "-").append(" |\n");
        }
        md.append('\n');
    }

    /** The part of {@code benchmarks/run.sh} that measures a headline target (the parts are defined there). */
    static String partMeasuring(String target) {
        if (target.startsWith("Routing")) {
            return "routing";
        }
        if (target.contains("wallet")) {
            return "wallet";
        }
        return target.contains("C-tool ceiling") ? "headline` and `ceiling" : "headline";
    }

    /** met / missed / not conclusive (why) / not measured in this run / reported. */
    static String headlineVerdict(Verdict v) {
        if (v.met() == null) {
            return "reported".equals(v.detail()) ? "reported (no target)" : "not measured in this run";
        }
        String point = v.met() ? "met" : "missed" + (v.detail().isEmpty() ? "" : " (" + v.detail() + ")");
        String c = v.conclusive();
        if (c == null || c.startsWith("yes")) {
            return v.met() ? "**met**" : "**missed**" + (v.detail().isEmpty() ? "" : " (" + v.detail() + ")");
        }
        return "**not conclusive**: " + c.replaceFirst("^no: ", "") + "; point estimate " + point;
    }

    private String partOf(List<Run> runs) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (Run r : runs) {
            names.add(r.part());
        }
        if (runs.isEmpty() || names.equals(java.util.Set.of(""))) {
            return runs.isEmpty() ? "-" : "this run";
        }
        StringBuilder s = new StringBuilder();
        for (String n : names) {
            Parts.Part p = parts.get(n);
            s.append(s.length() == 0 ? "" : "; ").append(p == null ? n : p.label());
        }
        return s.toString();
    }

    /** "settled in all 6 forks" / "**2 of 6 forks not settled within 40 s**" over the runs' warm-ups. */
    private String steadyStateOf(List<Run> runs) {
        int all = 0;
        int unsettled = 0;
        double bound = Double.NaN;
        for (Run r : runs) {
            for (Extra.Settle s : extra.settles(r)) {
                all++;
                if (s.monitored() && !s.settled()) {
                    unsettled++;
                    bound = s.boundSeconds();
                }
            }
        }
        if (all == 0) {
            return runs.isEmpty() ? "-" : "not recorded";
        }
        return unsettled == 0 ? "JIT settled in all " + all + " fork warm-ups"
                : "**JIT not settled within " + fmt(bound) + " s in " + unsettled + " of " + all + " fork warm-ups**";
    }

    /** A target of the headline: held ({@link #held}), then listed among the verdicts and in the headline table. */
    private void headline(String issue, Verdict v, Optional<?>... runs) {
        headline.add(held(issue, v, runs(runs)));
    }

    /**
     * The headline row of a verdict, added to the verdicts: a verdict that would be conclusive is not when one of its
     * runs had a fork whose JIT did not settle within its bound and whose measured iterations are not flat either
     * (the figure may still be moving).
     */
    private Headline held(String issue, Verdict v, List<Run> runs) {
        if (v.met() != null && v.conclusive() != null && v.conclusive().startsWith("yes")) {
            for (Run r : runs) {
                long unsettled = extra.settles(r).stream().filter(s -> s.monitored() && !s.settled()).count();
                double change = change(r);
                if (unsettled > 0 && !Double.isNaN(change) && Math.abs(change) > FLAT) {
                    v = v.withConclusive("no: " + r.benchmark() + "." + r.method() + " " + new java.util.TreeMap<>(
                            r.params()) + ": the JIT did not settle within its bound in " + unsettled + " fork"
                            + (unsettled == 1 ? "" : "s") + " and the measured iterations are not flat ("
                            + flatness(r).replace(" (**not flat**)", "") + " first to last)");
                    break;
                }
            }
        }
        verdicts.add(v);
        return new Headline(issue, v, runs);
    }

    private void pointRead() {
        md.append("## 1. Point read by user id\n\n")
                .append("`SELECT ... FROM users WHERE user_id = ?` on the user's shard replica, one thread, Zipf user ids."
                        + " `RAW`: HikariCP straight to that replica, same SQL. `LAYER`: the layer's plain `DataSource`"
                        + " (no annotation).\n\n");
        ratioPair("PointReadBenchmark", "Point read", "1. point read", "RAW");
    }

    private void insert() {
        md.append("## 2. Insert into a `user+month` table\n\n")
                .append("One `watch_events` row (event id given), time anywhere in the last three months, one thread."
                        + " `RAW`: HikariCP to the right primary and physical month table.\n\n");
        ratioPair("InsertBenchmark", "Insert into user+month", "2. insert", "RAW");
    }

    /** RAW and LAYER, then any other variant this run has (no target of its own). */
    private List<String> variants(String benchmark, String param, List<String> always) {
        List<String> out = new ArrayList<>(always);
        for (Run r : results.runs()) {
            String v = r.param(param);
            if (r.benchmark().equals(benchmark) && v != null && !out.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    private void ratioPair(String benchmark, String title, String label, String baseline) {
        Optional<Run> base = results.find(benchmark, "access=" + baseline);
        table(benchmark, "access", variants(benchmark, "access", List.of(baseline, "LAYER")),
                base.map(Run::micros).orElse(Double.NaN));
        Optional<Run> r = results.find(benchmark, "access=LAYER");
        double ratio = ratio(r, base);
        Verdict v = atMost(title + " layer / raw", r, base, LAYER_RATIO);
        headline("#11", v, r, base);
        if (!Double.isNaN(ratio)) {
            bars.add(new Chart.Bar(label + " layer/raw", ratio, LAYER_RATIO, true));
        }
        md.append('\n');
    }

    private void rangeRead() {
        md.append("## 3. Three-month range read of one user's events\n\n")
                .append("Newest 20 of one user's watch events over three month tables on the shard replica, one thread."
                        + " `RAW`: one `UNION ALL` statement, the baseline of issue #11's target; `RAW_TRIPS` (when"
                        + " run): one round trip per month table. `LAYER`: one logical statement through the layer's"
                        + " plain `DataSource`.\n\n");
        Optional<Run> union = results.find("RangeReadBenchmark", "access=RAW");
        table("RangeReadBenchmark", "access", variants("RangeReadBenchmark", "access", List.of("RAW", "LAYER")),
                union.map(Run::micros).orElse(Double.NaN));
        Optional<Run> layer = results.find("RangeReadBenchmark", "access=LAYER");
        double ratio = ratio(layer, union);
        Verdict v = atMost("3-month range layer / raw UNION ALL", layer, union, LAYER_RATIO);
        headline("#11", v, layer, union);
        if (!Double.isNaN(ratio)) {
            bars.add(new Chart.Bar("3. range layer/raw", ratio, LAYER_RATIO, true));
        }
        md.append('\n');
    }

    private void cacheHit() {
        md.append("## 4. Cache reads at one thread\n\n")
                .append("`REDISSON`: raw `RBucket.get` of the same key and bytes (client configured like the layer's)."
                        + " `ENTITY`: `EntityCache.get`, a Redis hit (decode included). `NEAR`: the near cache's hit."
                        + " `MISS_LOAD`: a miss: lease, load through the layer from the primary, write back.\n\n");
        Optional<Run> raw = results.find("CacheBenchmark", "read=REDISSON");
        table("CacheBenchmark", "read", List.of("REDISSON", "ENTITY", "NEAR"), raw.map(Run::micros).orElse(Double.NaN));
        Optional<Run> miss = results.findMethod("CacheMissBenchmark", "missLoad");
        miss.ifPresent(m -> md.append("| MISS_LOAD | ").append(fmt(m.micros())).append(" | ")
                .append(err(m)).append(" | ").append(raw.map(r -> fmtRatio(m.micros() / r.micros())).orElse("-"))
                .append(" | ").append(m.warmup()).append(" / ").append(m.measurement()).append(" |\n"));
        Optional<Run> entity = results.find("CacheBenchmark", "read=ENTITY");
        double ratio = ratio(entity, raw);
        verdicts.add(atMost("Cache hit (EntityCache.get, Redis) / raw Redisson", entity, raw, CACHE_RATIO));
        if (!Double.isNaN(ratio)) {
            bars.add(new Chart.Bar("4. cache hit/redisson", ratio, CACHE_RATIO, true));
        }
        Optional<Run> near = results.find("CacheBenchmark", "read=NEAR");
        double nearMicros = near.map(Run::micros).orElse(Double.NaN);
        Verdict nearVerdict = new Verdict("Near-cache hit <= " + fmt(NEAR_MICROS) + " µs/op",
                Double.isNaN(nearMicros) ? "-" : fmt(nearMicros) + " µs/op", Double.isNaN(nearMicros) ? null
                : nearMicros <= NEAR_MICROS, Double.isNaN(nearMicros) || nearMicros <= NEAR_MICROS ? ""
                : "missed by " + pct(nearMicros / NEAR_MICROS - 1));
        if (near.isPresent()) {
            double e = near.get().error() * nearMicros / near.get().score();
            // the same rule as for ratios, on the time against the limit (1.00x = the limit)
            nearVerdict = nearVerdict.withConclusive(conclusive((nearMicros - e) / NEAR_MICROS,
                    (nearMicros + e) / NEAR_MICROS, 1.0, near.get().forks()));
        }
        verdicts.add(nearVerdict);
        md.append('\n');
    }

    private void cachePays() {
        md.append("## 4b. Does the cache pay for itself? Reads per second at 32 threads\n\n")
                .append("Profile reads per second (JMH's `reads` counter; `getAll` of 16 counts 16) at 32 client"
                        + " threads. `PG_LAYER`: the layer's point read; `CACHE_REDIS`:"
                        + " `EntityCache.get`, one Redis round trip per read; `CACHE_BATCH16`: `getAll` of 16 ids, one"
                        + " round trip; `CACHE_NEAR`: the near cache.\n\n");
        md.append("| source | reads/s | ± | vs PG_LAYER | warmup / measurement |\n|---|---:|---:|---:|---|\n");
        Optional<Run> pg = results.find("CacheThroughputBenchmark", "source=PG_LAYER");
        double pgReads = pg.map(Report::reads).orElse(Double.NaN);
        List<String> sources = new ArrayList<>(variants("CacheThroughputBenchmark", "source", List.of("PG_LAYER",
                "CACHE_REDIS", "CACHE_BATCH16", "CACHE_NEAR")));
        sources.remove("PG_RAW");  // the raw JDBC ceiling, in "Where the limit is"
        for (String s : sources) {
            Optional<Run> r = results.find("CacheThroughputBenchmark", "source=" + s);
            if (r.isEmpty()) {
                md.append("| ").append(s).append(" | not measured in this run | | | |\n");
                continue;
            }
            double reads = reads(r.get());
            md.append("| ").append(s).append(" | ").append(fmtInt(reads)).append(" | ")
                    .append(r.get().secondary().containsKey("reads") ? "" : err(r.get())).append(" | ")
                    .append(fmtRatio(reads / pgReads)).append(" | ").append(r.get().warmup()).append(" / ")
                    .append(r.get().measurement()).append(" |\n");
        }
        for (String s : List.of("CACHE_REDIS", "CACHE_BATCH16", "CACHE_NEAR")) {
            double reads = results.find("CacheThroughputBenchmark", "source=" + s).map(Report::reads)
                    .orElse(Double.NaN);
            double ratio = reads / pgReads;
            Verdict v = atLeast("Cache pays: " + s + " reads/s / layer PostgreSQL reads/s at 32 threads", ratio,
                    CACHE_PAYS);
            Optional<Run> cache = results.find("CacheThroughputBenchmark", "source=" + s);
            if (v.met() != null && cache.isPresent() && pg.isPresent()) {
                // reads are proportional to operations: the relative error of the operations' score applies
                double ea = cache.get().error() / cache.get().score();
                double eb = pg.get().error() / pg.get().score();
                double lo = ratio * (1 - ea) / (1 + eb);
                double hi = eb < 1 ? ratio * (1 + ea) / (1 - eb) : Double.POSITIVE_INFINITY;
                v = v.withConclusive(conclusive(lo, hi, CACHE_PAYS, Math.min(cache.get().forks(), pg.get().forks())));
            }
            verdicts.add(v);
            if (!Double.isNaN(ratio) && !s.equals("CACHE_NEAR")) {
                bars.add(new Chart.Bar("4b. " + s.toLowerCase(Locale.ROOT) + "/pg reads", ratio, CACHE_PAYS, false));
            }
        }
        md.append('\n');
    }

    private void routing() {
        md.append("## 5. Planning cost alone (no execution)\n\n")
                .append("`SkyriffData.route(sql, params)`: the layer decides a statement's path as an execution would"
                        + " (its cached plan of the SQL text, keys bound, shard and month tables from the compiled"
                        + " topology, physical SQL substituted), without choosing a node or running anything; every"
                        + " statement takes the single-shard path. On 2 shards x 12 months, 16 x 36 and 64 x 36 (a real"
                        + " start on the local topology). µs/op, one thread.\n\n");
        md.append("| statement | 2x12 | 16x36 | 64x36 | 64x36 / 2x12 |\n|---|---:|---:|---:|---:|\n");
        for (String st : List.of("POINT", "RANGE", "INSERT")) {
            double[] v = new double[3];
            String[] shapes = {"S2_M12", "S16_M36", "S64_M36"};
            for (int i = 0; i < 3; i++) {
                v[i] = results.find("RoutingBenchmark", "shape=" + shapes[i], "statement=" + st).map(Run::micros)
                        .orElse(Double.NaN);
            }
            Optional<Run> narrow = results.find("RoutingBenchmark", "shape=S2_M12", "statement=" + st);
            Optional<Run> wide = results.find("RoutingBenchmark", "shape=S64_M36", "statement=" + st);
            double ratio = v[2] / v[0];
            md.append("| ").append(st).append(" | ").append(fmt(v[0])).append(" | ").append(fmt(v[1])).append(" | ")
                    .append(fmt(v[2])).append(" | ").append(fmtRatio(ratio)).append(" |\n");
            Verdict flat = atMost("Routing " + st + ": planning 64x36 / 2x12", wide, narrow, ROUTING_FLAT);
            headline("#11", flat, wide, narrow);
            if (!Double.isNaN(ratio)) {
                bars.add(new Chart.Bar("5. routing " + st.toLowerCase(Locale.ROOT) + " 64x36/2x12", ratio,
                        ROUTING_FLAT, true));
            }
        }
        results.find("RoutingBenchmark").ifPresent(r -> md.append("\nWarmup / measurement: ").append(r.warmup())
                .append(" / ").append(r.measurement()).append(".\n"));
        md.append('\n');
    }

    private void mixed() {
        md.append("## 6. Throughput: the demo's mixed workload, layer against its raw twin\n\n")
                .append("The demo's operation mix, Zipf ids, each client thread in a closed loop, in one run on the same"
                        + " data. `LAYER`: the reference service (MyBatis over the layer's plain data source, the"
                        + " single-shard path on, no profile cache). `RAW`: its raw twin, the same operations,"
                        + " statements and keys on plain HikariCP pools to the nodes the rules compute (bucket to"
                        + " shard, month table, the replica for reads, the primary for writes). `LAYER_SS`: the rules'"
                        + " `single-shard-path: false` (every statement through ShardingSphere); `LAYER_CACHED`: the"
                        + " service as the demo runs it (the single-shard path and the profile cache). Latency from"
                        + " JMH's sample mode; operations/s = threads / mean latency, ± from the mean's 99.9 %"
                        + " interval. Every iteration starts from the seeded data. Ratios divide `LAYER` by `RAW` at"
                        + " the same thread count; flatness is the change of operations/s from the first to the last"
                        + " measured iteration (mean over forks).\n\n");
        md.append("| service | client threads | forks | operations/s | ± | mean ms | p50 ms | p99 ms | p99.9 ms |"
                        + " layer/raw ops/s | layer/raw p99 | first → last iteration |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (String service : List.of("RAW", "LAYER", "LAYER_SS", "LAYER_CACHED")) {
            String bench = service.startsWith("LAYER_") ? "MixedVariantsBenchmark" : "MixedWorkloadBenchmark";
            List<Integer> threads = service.startsWith("LAYER_") ? List.of(8, 32) : CURVE;
            for (int t : threads) {
                Optional<Run> r = mixedRun(bench, service, t);
                if (r.isEmpty()) {
                    md.append("| `").append(service).append("` | ").append(t)
                            .append(" | | not measured in this run | | | | | | | | |\n");
                    continue;
                }
                Run run = r.get();
                Optional<Run> raw = mixedRun("MixedWorkloadBenchmark", "RAW", t);
                double ops = run.threads() / run.seconds();
                double err = opsError(run);
                md.append("| `").append(service).append("` | ").append(t).append(" | ").append(run.forks())
                        .append(" | ").append(fmtInt(ops)).append(" | ").append(Double.isNaN(err) ? "n/a" : fmtInt(err))
                        .append(" | ").append(fmt(run.seconds() * 1e3)).append(" | ")
                        .append(fmt(run.percentileMillis("50.0"))).append(" | ")
                        .append(fmt(run.percentileMillis("99.0"))).append(" | ")
                        .append(fmt(run.percentileMillis("99.9"))).append(" | ")
                        .append(service.equals("RAW") ? "" : raw.map(b -> fmtRatio(b.seconds() / run.seconds())).orElse("-"))
                        .append(" | ")
                        .append(service.equals("RAW") ? "" : raw.map(b -> fmtRatio(run.percentileMillis("99.0")
                                / b.percentileMillis("99.0"))).orElse("-"))
                        .append(" | ").append(flatness(run)).append(" |\n");
                if (service.equals("LAYER")) {
                    curve.add(new Chart.Point(run.threads(), ops, run.percentileMillis("99.0")));
                }
            }
        }
        md.append('\n');
        cpuTable();
        int order = 0;
        for (int t : List.of(8, 32)) {
            Optional<Run> layer = mixedRun("MixedWorkloadBenchmark", "LAYER", t);
            Optional<Run> raw = mixedRun("MixedWorkloadBenchmark", "RAW", t);
            Verdict ratio = throughputRatio("Mixed workload at " + t + " threads: layer/raw operations/s", layer, raw,
                    MIXED_RATIO);
            headline.add(order++, held("#11, #12", ratio, runs(layer, raw)));
            layer.ifPresent(l -> raw.ifPresent(b -> bars.add(new Chart.Bar("6. mixed " + t + " thr layer/raw ops",
                    b.seconds() / l.seconds(), MIXED_RATIO, false))));
            Verdict p99 = p99("Mixed workload at " + t + " threads: layer p99", layer,
                    t == 8 ? MIXED_P99_MS_8 : MIXED_P99_MS_32);
            headline.add(order++, held("#12", p99, runs(layer)));
        }
        for (int t : List.of(8, 32)) {
            Optional<Run> layer = mixedRun("MixedWorkloadBenchmark", "LAYER", t);
            Optional<Run> raw = mixedRun("MixedWorkloadBenchmark", "RAW", t);
            Verdict cpu = cpuRatio("Client-JVM CPU per mixed operation at " + t + " threads, layer / raw twin", layer,
                    raw, CPU_RATIO);
            headline.add(order++, held("#11", cpu, runs(layer, raw)));
        }
    }

    private static List<Run> runs(Optional<?>... runs) {
        List<Run> rs = new ArrayList<>();
        for (Optional<?> r : runs) {
            r.ifPresent(x -> rs.add((Run) x));
        }
        return List.copyOf(rs);
    }

    /**
     * Client-JVM CPU per operation, layer at most {@code limit} times the raw twin's, from the sidecar's CPU samples.
     * JMH gives no interval for it: conclusive when every pairing of a layer fork with a raw fork is on the same side
     * of the target (the lowest layer fork over the highest raw fork, and the highest over the lowest), from at least
     * {@link #MIN_FORKS} forks of each.
     */
    Verdict cpuRatio(String target, Optional<Run> layer, Optional<Run> raw, double limit) {
        String name = target + " <= " + fmtRatio(limit);
        Map<String, Double> l = layer.map(extra::cpuPerOpMs).orElse(Map.of());
        Map<String, Double> r = raw.map(extra::cpuPerOpMs).orElse(Map.of());
        if (l.isEmpty() || r.isEmpty() || !(r.getOrDefault("client", 0.0) > 0)) {
            return new Verdict(name, "-", null, layer.isPresent() && raw.isPresent() ? "no CPU samples" : "");
        }
        double ratio = l.get("client") / r.get("client");
        Verdict v = atMost(target, ratio, limit);
        v = new Verdict(v.target(), fmtRatio(ratio) + " (" + fmtInt(l.get("client") * 1e3) + " vs "
                + fmtInt(r.get("client") * 1e3) + " µs)", v.met(), v.detail());
        List<Double> lf = extra.clientCpuPerOpByFork(layer.get());
        List<Double> rf = extra.clientCpuPerOpByFork(raw.get());
        int forks = Math.min(lf.size(), rf.size());
        if (forks == 0) {
            return v.withConclusive("no: no fork with CPU samples");
        }
        double lo = lf.stream().mapToDouble(Double::doubleValue).min().orElseThrow()
                / rf.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double hi = lf.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
                / rf.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        String range = "fork-by-fork ratios " + fmtRatio(lo) + " to " + fmtRatio(hi);
        if (forks < MIN_FORKS) {
            return v.withConclusive("no: " + range + " from only " + forks + " fork" + (forks == 1 ? "" : "s")
                    + " (at least " + MIN_FORKS + " needed)");
        }
        return v.withConclusive(lo <= limit && hi >= limit ? "no: " + range + " straddle " + fmtRatio(limit)
                : "yes: " + range + " are on one side of " + fmtRatio(limit));
    }

    private Optional<Run> mixedRun(String benchmark, String service, int threads) {
        return results.findMethod(benchmark, String.format(Locale.ROOT, "threads%03d", threads), "service=" + service);
    }

    /** The half-width of operations/s from the mean latency's 99.9 % interval (NaN when JMH gave none). */
    private static double opsError(Run r) {
        double mean = r.seconds();
        double e = r.error() * r.seconds() / r.score();
        if (Double.isNaN(e) || e >= mean) {
            return Double.NaN;
        }
        return (r.threads() / (mean - e) - r.threads() / (mean + e)) / 2;
    }

    /** Layer/raw throughput at least {@code limit}, from two sample-mode runs at the same thread count. */
    static Verdict throughputRatio(String target, Optional<Run> layer, Optional<Run> raw, double limit) {
        String name = target + " >= " + fmtRatio(limit);
        if (layer.isEmpty() || raw.isEmpty()) {
            return new Verdict(name, "-", null, "");
        }
        Run l = layer.get();
        Run b = raw.get();
        double ratio = b.seconds() / l.seconds();
        Verdict v = atLeast(name, ratio, limit, fmtRatio(ratio) + " (" + fmtInt(l.threads() / l.seconds()) + " vs "
                + fmtInt(b.threads() / b.seconds()) + " ops/s)");
        double el = l.error() * l.seconds() / l.score();
        double eb = b.error() * b.seconds() / b.score();
        double lo = Double.isNaN(el) || Double.isNaN(eb) ? Double.NaN : (b.seconds() - eb) / (l.seconds() + el);
        double hi = Double.isNaN(el) || Double.isNaN(eb) ? Double.NaN
                : l.seconds() > el ? (b.seconds() + eb) / (l.seconds() - el) : Double.POSITIVE_INFINITY;
        return v.withConclusive(conclusive(lo, hi, limit, Math.min(l.forks(), b.forks())));
    }

    /**
     * A p99 at most {@code limitMs}. JMH gives no interval for a percentile, so conclusiveness comes from the forks:
     * every fork's own p99 on the same side of the target, from at least {@link #MIN_FORKS} forks.
     */
    static Verdict p99(String target, Optional<Run> run, double limitMs) {
        String name = target + " <= " + fmt(limitMs) + " ms";
        if (run.isEmpty()) {
            return new Verdict(name, "-", null, "");
        }
        double p99 = run.get().percentileMillis("99.0");
        boolean met = p99 <= limitMs;
        Verdict v = new Verdict(name, fmt(p99) + " ms", met, met ? "" : "missed by " + pct(p99 / limitMs - 1));
        List<Double> forks = run.get().forkPercentileMillis(0.99);
        if (forks.size() < MIN_FORKS) {
            return v.withConclusive("no: " + forks.size() + " fork" + (forks.size() == 1 ? "" : "s") + " with samples"
                    + " (JMH gives no interval for a percentile; at least " + MIN_FORKS + " forks' own p99s are needed)");
        }
        double lo = forks.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double hi = forks.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        String range = "the " + forks.size() + " forks' p99s are " + fmt(lo) + " to " + fmt(hi) + " ms";
        return v.withConclusive(lo <= limitMs && hi > limitMs ? "no: " + range + ", across " + fmt(limitMs) + " ms"
                : "yes: " + range);
    }

    private void cpuTable() {
        md.append("CPU time per operation by process group (µs of CPU per operation, from `/proc/<pid>/stat` of the"
                + " processes the suite started, sampled around each measured iteration; \"cores busy\" is all"
                + " groups' CPU time per second of wall time, out of the machine's cores):\n\n");
        StringBuilder head = new StringBuilder("| service | client threads | operations/s |");
        StringBuilder rule = new StringBuilder("|---|---:|---:|");
        for (String label : Extra.GROUPS.values()) {
            head.append(' ').append(label).append(" |");
            rule.append("---:|");
        }
        md.append(head).append(" total µs/op | cores busy |\n").append(rule).append("---:|---:|\n");
        boolean any = false;
        for (String service : List.of("RAW", "LAYER", "LAYER_SS", "LAYER_CACHED")) {
            String bench = service.startsWith("LAYER_") ? "MixedVariantsBenchmark" : "MixedWorkloadBenchmark";
            for (int t : service.startsWith("LAYER_") ? List.of(8, 32) : CURVE) {
                Optional<Run> r = mixedRun(bench, service, t);
                if (r.isEmpty()) {
                    continue;
                }
                any |= cpuRow("`" + service + "`", r.get(), r.get().threads() / r.get().seconds());
            }
        }
        for (String source : List.of("PG_RAW", "PG_LAYER", "CACHE_REDIS", "CACHE_BATCH16", "CACHE_NEAR")) {
            Optional<Run> r = results.find("CacheThroughputBenchmark", "source=" + source);
            if (r.isPresent()) {
                any |= cpuRow("4b `" + source + "`", r.get(), r.get().score());
            }
        }
        for (String move : List.of("RAW_ONE_STATEMENT", "RAW_TRANSACTION", "LAYER_TRANSACTION")) {
            for (String m : List.of("threads001", "threads008")) {
                Optional<Run> r = results.findMethod("WalletBenchmark", m, "move=" + move);
                if (r.isPresent()) {
                    any |= cpuRow("8 `" + move + "`", r.get(), r.get().threads() / r.get().seconds());
                }
            }
        }
        if (!any) {
            md.append("| no CPU samples in this run (the benchmarks' sidecar file `*-extra.jsonl` is missing, or /proc"
                    + " was not readable) | | | | | | | | | | |\n");
        }
        md.append('\n');
    }

    private boolean cpuRow(String label, Run run, double opsPerSecond) {
        Map<String, Double> perOp = extra.cpuPerOpMs(run);
        if (perOp.isEmpty()) {
            return false;
        }
        md.append("| ").append(label).append(" | ").append(run.threads()).append(" | ").append(fmtInt(opsPerSecond))
                .append(" |");
        double total = 0;
        for (String g : Extra.GROUPS.keySet()) {
            double us = perOp.getOrDefault(g, 0.0) * 1e3;
            total += us;
            md.append(' ').append(fmtInt(us)).append(" |");
        }
        double busy = extra.cpuPerSecondMs(run).values().stream().mapToDouble(Double::doubleValue).sum() / 1e3;
        md.append(' ').append(fmtInt(total)).append(" | ").append(fmt(busy)).append(" |\n");
        return true;
    }

    /** "+3 % (flat)" / "+12 % (**not flat**)" from the sidecar's iterations, else from JMH's per-iteration scores. */
    String flatness(Run run) {
        double change = change(run);
        if (Double.isNaN(change)) {
            return "n/a (fewer than 2 measured iterations)";
        }
        String pctText = String.format(Locale.ROOT, "%+.0f %%", change * 100);
        return pctText + (Math.abs(change) <= FLAT ? " (flat)" : " (**not flat**)");
    }

    /** Relative change of operations/s from the first to the last measured iteration, mean over forks. */
    double change(Run run) {
        List<Double> changes = new ArrayList<>();
        for (List<Extra.Iteration> fork : extra.measured(run)) {
            if (fork.size() >= 2 && fork.get(0).opsPerSecond() > 0) {
                changes.add(fork.get(fork.size() - 1).opsPerSecond() / fork.get(0).opsPerSecond() - 1);
            }
        }
        if (changes.isEmpty()) {
            boolean time = !run.mode().equals("thrpt");
            for (List<Double> fork : run.rawData()) {
                if (fork.size() >= 2 && fork.get(0) > 0 && fork.get(fork.size() - 1) > 0) {
                    double first = fork.get(0);
                    double last = fork.get(fork.size() - 1);
                    changes.add(time ? first / last - 1 : last / first - 1);
                }
            }
        }
        return changes.isEmpty() ? Double.NaN : changes.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    private void wallet() {
        md.append("## 8. Wallet move: one statement against a transaction\n\n")
                .append("A credit or debit of a Zipf-hot user's wallet with its ledger entry. `RAW_ONE_STATEMENT`: one"
                        + " round trip on one PostgreSQL (`WITH moved AS (UPDATE wallets ... RETURNING ...) INSERT INTO"
                        + " <month table> ... SELECT ... FROM moved`). `RAW_TRANSACTION` / `LAYER_TRANSACTION`: the"
                        + " reference service's transaction (`SELECT ... FOR UPDATE`, update, ledger insert, commit),"
                        + " by hand and through the layer. The layer has no one-statement variant: ShardingSphere 5.5.2"
                        + " rejects the statement (see the notes). µs per move.\n\n");
        md.append("| move | 1 thread µs | ± | 8 threads µs | ± | 8 threads moves/s | first → last (8 threads) |\n")
                .append("|---|---:|---:|---:|---:|---:|---|\n");
        for (String move : List.of("RAW_ONE_STATEMENT", "RAW_TRANSACTION", "LAYER_TRANSACTION")) {
            Optional<Run> one = results.findMethod("WalletBenchmark", "threads001", "move=" + move);
            Optional<Run> eight = results.findMethod("WalletBenchmark", "threads008", "move=" + move);
            md.append("| `").append(move).append("` | ").append(one.map(r -> fmt(r.micros())).orElse("-"))
                    .append(" | ").append(one.map(Report::err).orElse("")).append(" | ")
                    .append(eight.map(r -> fmt(r.micros())).orElse("-")).append(" | ")
                    .append(eight.map(Report::err).orElse("")).append(" | ")
                    .append(eight.map(r -> fmtInt(r.threads() / r.seconds())).orElse("-")).append(" | ")
                    .append(eight.map(this::flatness).orElse("")).append(" |\n");
        }
        Optional<Run> layer1 = results.findMethod("WalletBenchmark", "threads001", "move=LAYER_TRANSACTION");
        Optional<Run> raw1 = results.findMethod("WalletBenchmark", "threads001", "move=RAW_TRANSACTION");
        Verdict v = atMost("Single-shard wallet transaction (1 thread) layer / raw", layer1, raw1, WALLET_RATIO);
        headline("#11", v, layer1, raw1);
        Optional<Run> layer = results.findMethod("WalletBenchmark", "threads008", "move=LAYER_TRANSACTION");
        Optional<Run> raw8 = results.findMethod("WalletBenchmark", "threads008", "move=RAW_TRANSACTION");
        verdicts.add(report("Wallet transaction at 8 threads, layer / raw (no target; reported)", ratio(layer, raw8)));
        Optional<Run> best = results.findMethod("WalletBenchmark", "threads008", "move=RAW_ONE_STATEMENT");
        verdicts.add(report("Wallet move at 8 threads, layer transaction / raw one statement (no target; reported)",
                ratio(layer, best)));
        md.append('\n');
    }

    private void steadyState() {
        md.append("## Steady state\n\n")
                .append("Before JMH's warm-up iterations, each trial of the benchmarks below ran its own operation on its"
                        + " thread count until the JVM's total JIT compilation time stopped growing (less than 2 % of"
                        + " a window spent compiling), with an upper bound; every iteration of the data-changing"
                        + " benchmarks starts from the seeded rows. First → last: the change of throughput from the"
                        + " first to the last measured iteration (mean over forks); more than ")
                .append(pct(FLAT)).append(" either way is not flat.\n\n");
        md.append("| benchmark | parameters | threads | forks | warm-up s (longest fork) | JIT settled | first → last |\n")
                .append("|---|---|---:|---:|---:|---|---|\n");
        boolean any = false;
        for (Run r : results.runs()) {
            List<Extra.Settle> s = extra.settles(r);
            if (s.isEmpty() && r.rawData().isEmpty() && extra.measured(r).isEmpty() && r.histograms().isEmpty()) {
                continue;
            }
            any = true;
            long settled = s.stream().filter(Extra.Settle::settled).count();
            double longest = s.stream().mapToDouble(Extra.Settle::seconds).max().orElse(Double.NaN);
            md.append("| ").append(r.benchmark()).append('.').append(r.method()).append(" | ")
                    .append(new java.util.TreeMap<>(r.params())).append(" | ").append(r.threads()).append(" | ")
                    .append(r.forks()).append(" | ").append(fmt(longest)).append(" | ")
                    .append(s.isEmpty() ? "not recorded" : settled + " of " + s.size() + " forks"
                            + (settled < s.size() ? " (**bound of " + fmt(s.get(0).boundSeconds()) + " s reached**)" : ""))
                    .append(" | ").append(flatness(r)).append(" |\n");
        }
        if (!any) {
            md.append("| no per-iteration data in this run | | | | | | |\n");
        }
        md.append('\n');
    }

    /** Issue #12: the layer's absolute mixed-workload figure beside the C tools' ceilings of the same machine. */
    private void absoluteBesideCeiling() {
        Optional<Run> l8 = mixedRun("MixedWorkloadBenchmark", "LAYER", 8);
        Optional<Run> l32 = mixedRun("MixedWorkloadBenchmark", "LAYER", 32);
        StringBuilder m = new StringBuilder();
        l8.ifPresent(r -> m.append("layer ").append(fmtInt(8 / r.seconds())).append(" ops/s at 8 threads"));
        l32.ifPresent(r -> m.append(m.length() == 0 ? "layer " : ", ").append(fmtInt(32 / r.seconds()))
                .append(" ops/s at 32 threads"));
        List<String> ceilings = new ArrayList<>();
        for (Extra.Ceiling c : extra.ceilings()) {
            if (c.missing() == null && (c.clients() == 8 || c.clients() == 32)) {
                ceilings.add("`" + c.what() + "` " + fmtInt(c.perSecond()) + "/s at " + c.clients());
            }
        }
        Optional<Run> ceilingRun = results.find("CeilingBenchmark");
        String measured = m.length() == 0 && ceilings.isEmpty() ? "-"
                : (m.length() == 0 ? "mixed workload not measured" : m) + "; "
                + (ceilings.isEmpty() ? "C-tool ceilings not measured" : String.join(", ", ceilings));
        Verdict v = new Verdict("Mixed workload's absolute figure beside the C-tool ceiling of the same machine",
                measured, null, l8.isPresent() || l32.isPresent() || !ceilings.isEmpty() ? "reported" : "");
        headline.add(held("#12", v, runs(l8, l32, ceilingRun)));
    }

    private void limit() {
        absoluteBesideCeiling();
        md.append("## Where the limit is\n\n");
        for (String service : List.of("RAW", "LAYER")) {
            List<Run> runs = new ArrayList<>();
            for (int t : CURVE) {
                mixedRun("MixedWorkloadBenchmark", service, t).ifPresent(runs::add);
            }
            if (runs.isEmpty()) {
                md.append("- `").append(service).append("`: the mixed workload was not measured in this run.\n");
                continue;
            }
            Run knee = knee(runs);
            md.append("- `").append(service).append("`: operations/s by client threads ");
            for (int i = 0; i < runs.size(); i++) {
                md.append(i == 0 ? "" : ", ").append(runs.get(i).threads()).append(": ")
                        .append(fmtInt(runs.get(i).threads() / runs.get(i).seconds()));
            }
            int last = runs.get(runs.size() - 1).threads();
            md.append(". ").append(knee.threads() == last
                    ? "Throughput still grows at " + last + " threads (by " + pct(GROWS) + " or more per step)"
                    : "Throughput stops growing at " + knee.threads() + " client thread" + (knee.threads() == 1 ? "" : "s")
                    + " (the next step adds less"
                    + " than " + pct(GROWS) + ")").append("; ").append(cpuSplit(knee)).append('.');
            List<Integer> missing = new ArrayList<>(CURVE);
            runs.forEach(r -> missing.remove(Integer.valueOf(r.threads())));
            if (!missing.isEmpty()) {
                md.append(" Not measured in this run at ").append(missing).append(" threads (`benchmarks/run.sh part")
                        .append(missing.stream().allMatch(t -> t < 8) ? " curve" : " headline` / `curve")
                        .append("`): the limit may lie between the thread counts measured.");
            }
            md.append('\n');
        }
        md.append("\nCeilings measured in the same run on the suite's own servers:\n\n")
                .append("| what | clients | per second |\n|---|---:|---:|\n");
        results.find("CacheThroughputBenchmark", "source=PG_RAW").ifPresent(r -> md.append("| raw JDBC point read"
                + " (HikariCP, 4b `PG_RAW`) | ").append(r.threads()).append(" | ").append(fmtInt(reads(r))).append(" |\n"));
        mixedMax("RAW").ifPresent(r -> md.append("| raw twin of the mixed workload, best thread count | ")
                .append(r.threads()).append(" | ").append(fmtInt(r.threads() / r.seconds())).append(" |\n"));
        mixedMax("LAYER").ifPresent(r -> md.append("| the layer's mixed workload, best thread count | ")
                .append(r.threads()).append(" | ").append(fmtInt(r.threads() / r.seconds())).append(" |\n"));
        List<String> tools = new ArrayList<>(List.of("PGBENCH", "REDIS_BENCHMARK"));
        for (Extra.Ceiling c : extra.ceilings()) {
            tools.remove(c.tool());
            md.append("| `").append(c.what()).append("` | ").append(c.clients()).append(" | ")
                    .append(c.missing() != null ? "not measured: " + c.missing() : fmtInt(c.perSecond())).append(" |\n");
        }
        for (String t : tools) {
            md.append("| `").append(t.equals("PGBENCH") ? "pgbench -S -M prepared" : "redis-benchmark -t get")
                    .append("` | | not measured in this run |\n");
        }
        md.append('\n');
    }

    /** The first run after which throughput grows by less than {@link #GROWS}; the last run if it always grows. */
    static Run knee(List<Run> byThreads) {
        for (int i = 0; i + 1 < byThreads.size(); i++) {
            Run a = byThreads.get(i);
            Run b = byThreads.get(i + 1);
            double opsA = a.threads() / a.seconds();
            double opsB = b.threads() / b.seconds();
            if (opsB < opsA * (1 + GROWS)) {
                return a;
            }
        }
        return byThreads.get(byThreads.size() - 1);
    }

    private Optional<Run> mixedMax(String service) {
        Optional<Run> best = Optional.empty();
        for (int t : CURVE) {
            Optional<Run> r = mixedRun("MixedWorkloadBenchmark", service, t);
            if (r.isPresent() && (best.isEmpty()
                    || r.get().threads() / r.get().seconds() > best.get().threads() / best.get().seconds())) {
                best = r;
            }
        }
        return best;
    }

    /** "CPU there: 1.95 of 2 cores busy; client JVM 60 %, ..." for one run, or why it is unknown. */
    String cpuSplit(Run run) {
        Map<String, Double> perSecond = extra.cpuPerSecondMs(run);
        double total = perSecond.values().stream().mapToDouble(Double::doubleValue).sum();
        if (perSecond.isEmpty() || total <= 0) {
            return "CPU split there: not sampled in this run";
        }
        StringBuilder s = new StringBuilder("CPU there: ").append(fmt(total / 1e3)).append(" cores busy")
                .append(cores().map(c -> " of " + c).orElse("")).append(" (");
        boolean first = true;
        for (Map.Entry<String, Double> e : perSecond.entrySet()) {
            s.append(first ? "" : ", ").append(Extra.GROUPS.get(e.getKey())).append(' ')
                    .append(pct(e.getValue() / total));
            first = false;
        }
        return s.append(')').toString();
    }

    /** The machine's cores from the environment lines ("cpu (before): 2 cores, ..."). */
    private Optional<Integer> cores() {
        for (String line : environment) {
            int i = line.indexOf(" cores");
            int c = line.indexOf("): ");
            if (line.startsWith("cpu") && i > 0 && c > 0 && c + 3 < i) {
                try {
                    return Optional.of(Integer.parseInt(line.substring(c + 3, i).strip()));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private void startup() {
        md.append("## 7. Startup\n\n")
                .append("From the rules file's text to a ready data source: parse and validate the rules, create the"
                        + " node pools (opened lazily), check every window's month tables on every primary, start"
                        + " ShardingSphere (rules and table metadata). Single shot per iteration, ms.\n\n");
        md.append("| layout | ms | ± | warmup / measurement |\n|---|---:|---:|---|\n");
        for (String s : List.of("S2_M12", "S64_M36")) {
            Optional<Run> r = results.find("StartupBenchmark", "shape=" + s);
            String shape = s.substring(1).replace("_M", " shards x ") + " months";
            if (r.isEmpty()) {
                md.append("| ").append(shape).append(" | not measured in this run | | |\n");
                continue;
            }
            md.append("| ").append(shape).append(" | ").append(fmt(r.get().micros() / 1e3)).append(" | ")
                    .append(fmtErr(r.get().error() * r.get().micros() / r.get().score() / 1e3)).append(" | ")
                    .append(r.get().warmup()).append(" / ").append(r.get().measurement()).append(" |\n");
        }
        Optional<Run> wide = results.find("StartupBenchmark", "shape=S64_M36");
        verdicts.add(report("Startup, 64 shards x 36 months (no target; reported)",
                wide.map(r -> r.micros() / 1e3).orElse(Double.NaN), " ms"));
        md.append('\n');
    }

    /** Compares with an earlier result of the same benchmarks, taken before a change to the layer. */
    Report before(Results earlier, String earlierSource, String change) {
        this.before = earlier;
        this.beforeSource = earlierSource;
        this.beforeChange = change;
        return this;
    }

    private void beforeAfter() {
        if (before == null) {
            return;
        }
        md.append("## Before and after: ").append(beforeChange).append("\n\n")
                .append("Every run found both in `").append(beforeSource).append("` (before the change, an earlier run")
                .append(" on this machine) and in this run (after). Different runs: compare with the noise of each.\n\n");
        md.append("| benchmark | parameters | before | after | after / before |\n|---|---|---:|---:|---:|\n");
        for (Run b : before.runs()) {
            Optional<Run> a = results.runs().stream().filter(r -> r.benchmark().equals(b.benchmark())
                    && r.method().equals(b.method()) && r.params().equals(b.params())).findFirst();
            if (a.isEmpty() || !a.get().unit().equals(b.unit())) {
                continue;
            }
            md.append("| ").append(b.benchmark()).append('.').append(b.method()).append(" | ")
                    .append(new java.util.TreeMap<>(b.params())).append(" | ").append(fmt(b.score())).append(' ')
                    .append(b.unit()).append(" | ").append(fmt(a.get().score())).append(' ').append(a.get().unit())
                    .append(" | ").append(fmtRatio(a.get().score() / b.score())).append(" |\n");
        }
        md.append('\n');
    }

    private void targets() {
        md.append("## Targets\n\n| target | measured | verdict | | conclusive? |\n|---|---:|---|---|---|\n");
        for (Verdict v : verdicts) {
            md.append("| ").append(v.target()).append(" | ").append(v.measured()).append(" | ").append(v.status())
                    .append(" | ").append(v.detail()).append(" | ")
                    .append(v.conclusive() == null ? "" : v.conclusive()).append(" |\n");
        }
        long missed = verdicts.stream().filter(v -> Boolean.FALSE.equals(v.met())).count();
        long met = verdicts.stream().filter(v -> Boolean.TRUE.equals(v.met())).count();
        md.append("\n").append(met).append(" targets met, ").append(missed).append(" missed.\n\n");
    }

    // ---- tables and verdicts ----

    private void table(String benchmark, String param, List<String> variants, double baseMicros) {
        md.append("| ").append(param).append(" | µs/op | ± (99.9 %) | vs raw | warmup / measurement |\n")
                .append("|---|---:|---:|---:|---|\n");
        for (String v : variants) {
            Optional<Run> r = results.find(benchmark, param + "=" + v);
            if (r.isEmpty()) {
                md.append("| ").append(v).append(" | not measured in this run | | | |\n");
                continue;
            }
            md.append("| ").append(v).append(" | ").append(fmt(r.get().micros())).append(" | ").append(err(r.get()))
                    .append(" | ").append(fmtRatio(r.get().micros() / baseMicros)).append(" | ")
                    .append(r.get().warmup()).append(" / ").append(r.get().measurement()).append(" |\n");
        }
    }

    private static double ratio(Optional<Run> r, Optional<Run> base) {
        return r.isPresent() && base.isPresent() ? r.get().micros() / base.get().micros() : Double.NaN;
    }

    /** Reads per second: the {@code reads} counter if present, else the primary throughput. */
    static double reads(Run r) {
        Double reads = r.secondary().get("reads");
        return reads != null && !reads.isNaN() ? reads : r.score();
    }

    static Verdict atMost(String target, double ratio, double limit) {
        String name = target + " <= " + fmtRatio(limit);
        if (Double.isNaN(ratio)) {
            return new Verdict(name, "-", null, "");
        }
        boolean met = ratio <= limit;
        return new Verdict(name, fmtRatio(ratio), met, met ? "" : "missed by " + pct(ratio / limit - 1)
                + " (" + fmtRatio(ratio) + " vs " + fmtRatio(limit) + ")");
    }

    /**
     * {@link #atMost(String, double, double)} for the ratio of two runs' times, saying when the verdict is not
     * conclusive: when the ratio's range under both runs' 99.9 % confidence intervals reaches across the target.
     */
    static Verdict atMost(String target, Optional<Run> a, Optional<Run> b, double limit) {
        Verdict v = atMost(target, ratio(a, b), limit);
        if (v.met() == null) {
            return v;
        }
        int forks = Math.min(a.get().forks(), b.get().forks());
        double ea = a.get().error() * a.get().micros() / a.get().score();
        double eb = b.get().error() * b.get().micros() / b.get().score();
        if (Double.isNaN(ea) || Double.isNaN(eb)) {
            return v.withConclusive(conclusive(Double.NaN, Double.NaN, limit, forks));
        }
        double lo = (a.get().micros() - ea) / (b.get().micros() + eb);
        double hi = b.get().micros() > eb ? (a.get().micros() + ea) / (b.get().micros() - eb) : Double.POSITIVE_INFINITY;
        if (lo <= limit && hi > limit) {
            String range = fmtRatio(lo) + " to " + (Double.isInfinite(hi) ? "unbounded" : fmtRatio(hi));
            v = new Verdict(v.target(), v.measured(), v.met(), (v.detail().isEmpty() ? "" : v.detail() + "; ")
                    + "not conclusive: within both runs' 99.9 % errors the ratio is " + range);
        }
        return v.withConclusive(conclusive(lo, hi, limit, forks));
    }

    /**
     * Whether a ratio's range under both runs' 99.9 % intervals ({@code lo..hi}) lies on one side of {@code limit},
     * from enough forks for the interval to include fork-to-fork variation; else why not.
     */
    static String conclusive(double lo, double hi, double limit, int forks) {
        String forkNote = forks >= MIN_FORKS ? "" : forks <= 0 ? "; in-process run (no fork)"
                : "; only " + forks + " fork" + (forks == 1 ? "" : "s") + " (at least " + MIN_FORKS + " needed for the"
                + " interval to cover fork-to-fork variation)";
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            return "no: JMH gave no 99.9 % interval (too few measured iterations)" + forkNote;
        }
        String range = fmtRatio(lo) + " to " + (Double.isInfinite(hi) ? "unbounded" : fmtRatio(hi));
        if (lo <= limit && hi >= limit) {
            return "no: the 99.9 % range " + range + " straddles " + fmtRatio(limit) + forkNote;
        }
        return forkNote.isEmpty() ? "yes: the 99.9 % range " + range + " is on one side of " + fmtRatio(limit)
                : "no: the 99.9 % range " + range + " is on one side of " + fmtRatio(limit) + forkNote;
    }

    static Verdict atLeast(String target, double ratio, double limit) {
        return atLeast(target + " >= " + fmtRatio(limit), ratio, limit, fmtRatio(ratio));
    }

    private static Verdict atLeast(String name, double ratio, double limit, String measured) {
        if (Double.isNaN(ratio)) {
            return new Verdict(name, "-", null, "");
        }
        boolean met = ratio >= limit;
        return new Verdict(name, measured, met, met ? "" : "short by " + pct(1 - ratio / limit));
    }

    private static Verdict report(String target, double value) {
        return report(target, value, "x");
    }

    private static Verdict report(String target, double value, String unit) {
        String v = Double.isNaN(value) ? "-" : unit.equals("x") ? fmtRatio(value) : fmt(value) + unit;
        return new Verdict(target, v, null, Double.isNaN(value) ? "" : "reported");
    }

    // ---- formatting ----

    static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "-";
        }
        double a = Math.abs(v);
        String f = a >= 1000 ? "%,.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, f, v);
    }

    static String fmtInt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String fmtRatio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%.2fx", v);
    }

    static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.0f %%", fraction * 100);
    }

    static String err(Run r) {
        return fmtErr(r.error() * r.micros() / r.score());
    }

    private static String fmtErr(double v) {
        return Double.isNaN(v) ? "n/a" : fmt(v);
    }

    private static String notes() {
        try (InputStream in = Report.class.getResourceAsStream("notes.md")) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Report: cannot read notes.md", e);
        }
    }
}
