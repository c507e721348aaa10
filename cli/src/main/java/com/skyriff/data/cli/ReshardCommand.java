package com.skyriff.data.cli;

import com.skyriff.data.reshard.Reshard;
import com.skyriff.data.reshard.RulesPublisher;
import com.skyriff.data.rules.RulesReader;
import com.skyriff.data.rules.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "reshard", mixinStandardHelpOptions = true,
        description = {"Moves buckets to other (or new) shards while the service runs, on PostgreSQL logical replication: "
                + "a publication per source with a row filter on the bucket, a subscription per target (initial COPY, "
                + "then catch-up). The job's state lives in the first source primary (skyriff_reshard_* tables); every "
                + "action can be run again after a crash. See docs/resharding.md.",
                "  start    --from OLD --to NEW --migrations DIR [--wait]   plan, target schema, publications, subscriptions",
                "  start    ID --from OLD --migrations DIR                 resume an interrupted start (or --resume ID)",
                "  status   ID --from OLD       per table: copy state, rows source/target, verified; slots and lag",
                "  verify   ID --from OLD       row counts and md5 per bucket and month table, source vs target",
                "  cutover  ID --from OLD --live-rules FILE   fence moved buckets, catch up, verify, publish new rules",
                "  cleanup  ID --from OLD [--grace-seconds N]  delete moved rows from the sources, drop replication",
                "  abort    ID --from OLD [--live-rules FILE] back to the old rules (FILE needed after cutover)"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:a step failed or verify found differences", "2:invalid rules or arguments"})
final class ReshardCommand extends BaseCommand {
    enum Action { start, status, verify, cutover, cleanup, abort }

    @Parameters(index = "0", paramLabel = "ACTION", description = "One of: ${COMPLETION-CANDIDATES}.")
    Action action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "The job id that 'start' printed.")
    String id;

    @Option(names = "--from", required = true, paramLabel = "RULES-old.yaml",
            description = "The rules in force when the job started (its primaries hold the job).")
    Path from;

    @Option(names = "--to", paramLabel = "RULES-new.yaml", description = "start: the rules to move to.")
    Path to;

    @Option(names = "--resume", paramLabel = "ID", description = "start: continue this job (same as giving ID).")
    String resume;

    @Option(names = "--migrations", paramLabel = "DIR", description = "start: the migrations that create the schema on "
            + "the new shards (the ones 'skyriff migrate' runs).")
    Path migrations;

    @Option(names = "--wait", description = "start: return once every table is copied and ready.")
    boolean await;

    @Option(names = "--live-rules", paramLabel = "FILE", description = "cutover, abort: the rules file the running "
            + "instances watch; replaced atomically by the new (or, on abort, the old) rules.")
    Path liveRules;

    @Option(names = "--grace-seconds", paramLabel = "N", defaultValue = "600", description = "cleanup: seconds since "
            + "cutover before the sources' rows are deleted (default ${DEFAULT-VALUE}).")
    long graceSeconds;

    @Option(names = "--timeout-seconds", paramLabel = "N", defaultValue = "30", description = "cutover, abort, --wait: how "
            + "long to wait for replication to catch up (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    int execute() throws Exception {
        Topology old = Topology.compile(rules(from), clock());
        String jobId = resume != null ? resume : id;
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        if (action == Action.start && jobId == null) {
            if (to == null || migrations == null) {
                throw new IllegalArgumentException("reshard start: --to and --migrations are required for a new job; "
                        + "to resume one, give its ID");
            }
            Reshard job = Reshard.create(old, Topology.compile(rules(to), clock()), read(from), read(to));
            return start(job, timeout);
        }
        if (jobId == null) {
            throw new IllegalArgumentException("reshard " + action + ": ID is required (the id 'reshard start' printed)");
        }
        Reshard job = Reshard.open(old, jobId, text -> Topology.compile(RulesReader.parse(text, "rules of job " + jobId,
                root.env, clock()), clock())).progress(progress());
        return switch (action) {
            case start -> {
                if (migrations == null) {
                    throw new IllegalArgumentException("reshard start: --migrations is required to resume " + jobId);
                }
                yield start(job, timeout);
            }
            case status -> status(job.status());
            case verify -> verify(job.verify());
            case cutover -> cutover(job, timeout);
            case cleanup -> {
                job.cleanup(Duration.ofSeconds(graceSeconds));
                yield done(job, "cleaned up: moved rows deleted from the sources, fences and replication objects dropped");
            }
            case abort -> {
                Reshard.Abort a = job.abort(liveRules == null ? null : RulesPublisher.file(liveRules), timeout);
                yield done(job, "aborted from " + a.from() + (a.pauseMs() > 0 ? "; old rules published, write pause of the "
                        + "moved buckets " + a.pauseMs() + " ms" : ""));
            }
        };
    }

    private int start(Reshard job, Duration timeout) throws InterruptedException {
        job.progress(progress()).clock(clock());
        Reshard.State state = job.start(migrations);
        if (!json) {
            out().println("reshard " + job.id() + ": " + state + " (job kept on " + job.home() + "'s primary)");
            job.plan().describe().forEach(l -> out().println("  " + l));
        }
        if (await) {
            long deadline = System.nanoTime() + timeout.toNanos() * 10;
            while (!job.status().ready()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reshard " + job.id() + ": copy not ready after "
                            + timeout.toSeconds() * 10 + " s; see 'reshard status " + job.id() + "'");
                }
                Thread.sleep(500);
            }
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", "reshard start");
            m.put("ok", true);
            m.put("id", job.id());
            m.put("state", state.name());
            m.put("plan", job.plan().describe());
            printJson(m);
        } else {
            out().println("next: skyriff reshard status " + job.id() + " --from " + from);
        }
        return SkyriffCli.OK;
    }

    private int status(Reshard.Status s) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", "reshard status");
            m.put("ok", true);
            m.put("id", s.id());
            m.put("state", s.state().name());
            m.put("ready", s.ready());
            m.put("plan", s.plan());
            List<Map<String, Object>> parts = new ArrayList<>();
            for (Reshard.PartStatus p : s.parts()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("source", p.source());
                x.put("target", p.target());
                x.put("table", p.table());
                x.put("physicalTable", p.physical());
                x.put("broadcast", p.broadcast());
                x.put("sync", p.sync());
                x.put("sourceRows", p.sourceRows());
                x.put("targetRows", p.targetRows());
                x.put("verified", p.verified());
                parts.add(x);
            }
            m.put("tables", parts);
            List<Map<String, Object>> slots = new ArrayList<>();
            for (Reshard.SlotStatus sl : s.slots()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("slot", sl.slot());
                x.put("publisher", sl.publisher());
                x.put("direction", sl.direction());
                x.put("active", sl.active());
                x.put("lagBytes", sl.lagBytes());
                slots.add(x);
            }
            m.put("slots", slots);
            m.put("cutoverAt", s.cutoverAt() == null ? null : s.cutoverAt().toString());
            m.put("pauseMs", s.pauseMs());
            m.put("note", s.note());
            printJson(m);
            return SkyriffCli.OK;
        }
        out().println("reshard " + s.id() + ": " + s.state() + (s.ready() ? " (every table ready)" : "")
                + (s.pauseMs() == null ? "" : "; cut over at " + s.cutoverAt() + ", write pause " + s.pauseMs() + " ms"));
        s.plan().forEach(l -> out().println("  " + l));
        if (s.note() != null) {
            out().println("  note: " + s.note());
        }
        TextTable t = new TextTable("move", "table", "state", "copied", "source rows", "target rows", "verified");
        for (Reshard.PartStatus p : s.parts()) {
            t.row(p.source() + " -> " + p.target(), p.physical(), p.sync(), bar(p.targetRows(), p.sourceRows()),
                    p.sourceRows(), p.targetRows(), p.verified() == null ? "-" : p.verified());
        }
        t.print(out());
        TextTable sl = new TextTable("slot", "on", "direction", "active", "lag");
        for (Reshard.SlotStatus x : s.slots()) {
            sl.row(x.slot(), x.publisher(), x.direction(), x.active() ? "yes" : "no", x.lagBytes() + " bytes");
        }
        sl.print(out());
        return SkyriffCli.OK;
    }

    /** {@code [#######---] 70%}: target rows over source rows (more than 100% while a copy runs ahead of deletes). */
    static String bar(long done, long total) {
        double f = total == 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(f * 10);
        return "[" + "#".repeat(filled) + "-".repeat(10 - filled) + "] " + Math.round(f * 100) + "%";
    }

    private int verify(Reshard.Verification v) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", "reshard verify");
            m.put("ok", v.ok());
            List<Map<String, Object>> parts = new ArrayList<>();
            for (Reshard.PartCheck p : v.parts()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("source", p.source());
                x.put("target", p.target());
                x.put("physicalTable", p.physical());
                x.put("rows", p.rows());
                x.put("buckets", p.buckets());
                x.put("differences", p.differences());
                parts.add(x);
            }
            m.put("tables", parts);
            printJson(m);
        } else {
            TextTable t = new TextTable("move", "table", "rows", "buckets", "result");
            for (Reshard.PartCheck p : v.parts()) {
                t.row(p.source() + " -> " + p.target(), p.physical(), p.rows(), p.buckets(), p.ok() ? "same"
                        : String.join("; ", p.differences()));
            }
            t.print(out());
            out().println(v.ok() ? "verify: source and target hold the same rows" : "verify: differences found (while "
                    + "writes run, lag shows as differences; cutover verifies again after fencing)");
        }
        return v.ok() ? SkyriffCli.OK : SkyriffCli.FAILURE;
    }

    private int cutover(Reshard job, Duration timeout) {
        if (liveRules == null) {
            throw new IllegalArgumentException("reshard cutover: --live-rules FILE is required (the rules file the "
                    + "running instances watch)");
        }
        Reshard.Cutover c = job.cutover(RulesPublisher.file(liveRules), timeout);
        return done(job, "cut over: new rules published to " + liveRules + "; write pause of the moved buckets "
                + c.pauseMs() + " ms (catch-up " + c.catchUpMs() + " ms, verify " + c.verifyMs() + " ms, reverse "
                + "replication " + c.reverseMs() + " ms); next, after the grace period: skyriff reshard cleanup "
                + job.id());
    }

    private int done(Reshard job, String text) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", "reshard " + action);
            m.put("ok", true);
            m.put("id", job.id());
            m.put("result", text);
            printJson(m);
        } else {
            out().println("reshard " + job.id() + ": " + text);
        }
        return SkyriffCli.OK;
    }
}
