package com.skyriff.data.reshard;

import com.skyriff.data.migrations.Migrator;
import com.skyriff.data.migrations.Progress;
import com.skyriff.data.migrations.RunResult;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Topology;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One resharding job: moves the buckets of a {@link ReshardPlan} from their source shards to their target shards with
 * PostgreSQL logical replication (per source a publication of the moved physical tables with a row filter on the
 * bucket; per target a subscription whose {@code copy_data} does the initial COPY before the catch-up), fences the
 * moved buckets on the source at cutover, publishes the new rules, and keeps a reverse subscription (target to
 * source) until cleanup so that an abort after cutover loses nothing.
 *
 * <p>The job's state lives in {@code skyriff_reshard_job}, {@code skyriff_reshard_step} and
 * {@code skyriff_reshard_part} on the first source shard's primary (its "home"). Every step is idempotent and
 * recorded when done, so a killed CLI resumes by running the same command again. Not thread-safe: one CLI process
 * drives a job at a time.
 */
public final class Reshard {
    /** SQLSTATE of a write refused by a fence; the layer reloads its rules on it. */
    public static final String FENCE_SQLSTATE = "55R01";
    static final String JOB_TABLE = "skyriff_reshard_job";
    static final String STEP_TABLE = "skyriff_reshard_step";
    static final String PART_TABLE = "skyriff_reshard_part";
    static final String FENCE_FUNCTION = "skyriff_reshard_fence";
    static final String BYPASS_SETTING = "skyriff.fence_bypass";
    private static final Duration POLL = Duration.ofMillis(20);

    /** The job's life: each state names what has been done, and which commands may follow. */
    public enum State {
        /** start is creating schema, publications and subscriptions; run start again (--resume) to finish it. */
        STARTING,
        /** the subscriptions copy and then follow the sources; cutover when every table is ready. */
        COPYING,
        /** a cutover began (fences may be in place); run cutover again to finish it, or abort. */
        CUTTING_OVER,
        /** the new rules are published; the reverse subscriptions keep the sources current until cleanup. */
        CUT_OVER,
        /** cleanup began; run it again to finish. */
        CLEANING_UP,
        /** the moved rows left the sources and every replication object is gone: the job is over. */
        CLEANED_UP,
        /** abort began; run it again to finish. */
        ABORTING,
        /** back to the old rules; the targets' copies and every replication object are gone. */
        ABORTED
    }

    /** A physical table of one move: what the job copies, verifies, fences and cleans up. */
    record Part(String source, String target, String logical, String physical, String keyColumn, boolean broadcast) {
    }

    private final String id;
    private final Topology from;
    private final Topology to;
    private final String fromText;
    private final String toText;
    private final ReshardPlan plan;
    private final PhysicalNode home;
    private Consumer<String> beforeStep = step -> { };
    private Progress progress = Progress.NONE;
    private java.time.Clock clock = java.time.Clock.systemUTC();

    private Reshard(String id, Topology from, Topology to, String fromText, String toText) {
        this.id = id;
        this.from = from;
        this.to = to;
        this.fromText = fromText;
        this.toText = toText;
        this.plan = ReshardPlan.of(from, to);
        this.home = primary(from, plan.moves().get(0).source());
    }

    /**
     * A new job from the rules in force to the new rules (both texts as the DBA wrote them, placeholders unresolved:
     * they are stored in the job and published at cutover).
     *
     * @throws IllegalArgumentException when the change is not a bucket move (see {@link ReshardPlan#of})
     */
    public static Reshard create(Topology from, Topology to, String fromText, String toText) {
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        StringBuilder sb = new StringBuilder("r");
        for (byte b : random) {
            sb.append(String.format(Locale.ROOT, "%02x", b));
        }
        return new Reshard(sb.toString(), from, to, fromText, toText);
    }

    /**
     * An existing job, found on the primaries of the rules in force; {@code compile} turns the stored new rules' text
     * into a topology (with this process's environment).
     *
     * @throws IllegalArgumentException when no primary of {@code from} has the job
     */
    public static Reshard open(Topology from, String id, Function<String, Topology> compile) {
        for (PhysicalNode node : from.nodes()) {
            if (!node.primary()) {
                continue;
            }
            try (Connection c = Sql.open(node)) {
                if (!Sql.exists(c, "SELECT 1 FROM pg_tables WHERE tablename = ? AND schemaname = current_schema()",
                        JOB_TABLE)) {
                    continue;
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT from_rules, to_rules FROM " + JOB_TABLE
                        + " WHERE id = ?")) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return new Reshard(id, from, compile.apply(rs.getString(2)), rs.getString(1),
                                    rs.getString(2));
                        }
                    }
                }
            } catch (SQLException e) {
                throw new ReshardException("reshard " + id + ": cannot read the job on " + node.describe() + " at "
                        + node.spec().maskedUrl() + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("reshard: no job '" + id + "' on the primaries of the rules given ("
                + String.join(", ", from.shardNames()) + "); pass the rules that were in force at 'reshard start'");
    }

    public String id() {
        return id;
    }

    public ReshardPlan plan() {
        return plan;
    }

    /** The shard whose primary holds the job's tables. */
    public String home() {
        return home.shard();
    }

    /** Where long steps report (one line per node and step). */
    public Reshard progress(Progress value) {
        this.progress = Objects.requireNonNull(value, "progress");
        return this;
    }

    /** The clock the targets' month tables are created as of (the one the topologies were compiled with). */
    public Reshard clock(java.time.Clock value) {
        this.clock = Objects.requireNonNull(value, "clock");
        return this;
    }

    /** Test hook: runs before every step that is not yet done; a test throws from it to simulate a killed CLI. */
    void beforeStep(Consumer<String> hook) {
        this.beforeStep = hook;
    }

    // ------------------------------------------------------------------------------------------------------ start

    /**
     * Creates the job (or continues it), the targets' schema with {@code migrations}, the replica identities the row
     * filters need, one publication per (source, target) on the source and one subscription per pair on the target.
     * Returns once the subscriptions exist: PostgreSQL copies and catches up on its own (see {@link #status()}).
     */
    public State start(Path migrations) {
        try {
            createJob();
            State state = state();
            if (state != State.STARTING) {
                return state;
            }
            List<Part> parts = parts();
            step("schema", () -> migrate(migrations, parts));
            for (String node : to.shardNames()) {
                step("functions@" + node, () -> onShard(node, c -> {
                    Sql.execute(c, BucketSql.createFunction());
                    Sql.execute(c, fenceFunction());
                }));
            }
            for (ReshardPlan.Move m : plan.moves()) {
                step("replica-identity@" + m.source(), () -> replicaIdentity(m.source(), partsOf(parts, m, false), true));
                step("publication@" + m.source() + "->" + m.target(), () -> publication(m, parts));
                step("subscription@" + m.source() + "->" + m.target(), () -> subscription(m, parts));
            }
            setState(State.COPYING, null);
            return State.COPYING;
        } catch (SQLException e) {
            throw failure("start", e);
        }
    }

    private void createJob() throws SQLException {
        try (Connection c = Sql.open(home)) {
            Sql.execute(c, "CREATE TABLE IF NOT EXISTS " + JOB_TABLE + " (id text PRIMARY KEY, from_rules text NOT NULL,"
                    + " to_rules text NOT NULL, state text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),"
                    + " updated_at timestamptz NOT NULL DEFAULT now(), cutover_at timestamptz, pause_ms bigint,"
                    + " note text)");
            Sql.execute(c, "CREATE TABLE IF NOT EXISTS " + STEP_TABLE + " (job_id text NOT NULL, step text NOT NULL,"
                    + " done_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (job_id, step))");
            Sql.execute(c, "CREATE TABLE IF NOT EXISTS " + PART_TABLE + " (job_id text NOT NULL, source text NOT NULL,"
                    + " target text NOT NULL, logical_table text NOT NULL, physical_table text NOT NULL,"
                    + " key_column text, broadcast boolean NOT NULL, source_identity_changed boolean NOT NULL DEFAULT"
                    + " false, target_identity_changed boolean NOT NULL DEFAULT false, verified text,"
                    + " verified_at timestamptz, PRIMARY KEY (job_id, source, target, physical_table))");
            c.setAutoCommit(false);
            if (Sql.exists(c, "SELECT 1 FROM " + JOB_TABLE + " WHERE id = ?", id)) {
                c.commit();
                return;
            }
            Sql.update(c, "INSERT INTO " + JOB_TABLE + " (id, from_rules, to_rules, state) VALUES (?, ?, ?, ?)", id,
                    fromText, toText, State.STARTING.name());
            for (Part p : planParts()) {
                Sql.update(c, "INSERT INTO " + PART_TABLE + " (job_id, source, target, logical_table, physical_table,"
                        + " key_column, broadcast) VALUES (?, ?, ?, ?, ?, ?, ?)", id, p.source(), p.target(), p.logical(),
                        p.physical(), p.keyColumn(), p.broadcast());
            }
            c.commit();
        }
    }

    /**
     * The physical tables of each move: for tables split by user, the window's months and any older month table that
     * exists on the source (its rows move too); broadcast tables once per new shard, from the first shard moving
     * buckets to it.
     */
    private List<Part> planParts() throws SQLException {
        List<Part> out = new ArrayList<>();
        Map<String, List<String>> existing = new HashMap<>();
        for (ReshardPlan.Move m : plan.moves()) {
            List<String> tables = existing.computeIfAbsent(m.source(), s -> {
                try (Connection c = Sql.open(primary(from, s))) {
                    return Sql.strings(c, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()");
                } catch (SQLException e) {
                    throw failure("plan", e);
                }
            });
            for (Topology.Table t : plan.userTables()) {
                Set<String> physical = new TreeSet<>(t.physicalTables());
                if (t.window() != null) {
                    for (String name : tables) {
                        if (name.matches(java.util.regex.Pattern.quote(t.name()) + "_\\d{6}")) {
                            physical.add(name);
                        }
                    }
                }
                for (String p : physical) {
                    out.add(new Part(m.source(), m.target(), t.name(), p, t.keyColumn(), false));
                }
            }
        }
        for (String shard : plan.newShards()) {
            plan.moves().stream().filter(m -> m.target().equals(shard)).findFirst().ifPresent(m -> {
                for (Topology.Table t : plan.broadcast()) {
                    out.add(new Part(m.source(), shard, t.name(), t.name(), null, true));
                }
            });
        }
        return out;
    }

    List<Part> parts() throws SQLException {
        List<Part> out = new ArrayList<>();
        try (Connection c = Sql.open(home);
             PreparedStatement ps = c.prepareStatement("SELECT source, target, logical_table, physical_table, key_column,"
                     + " broadcast FROM " + PART_TABLE + " WHERE job_id = ? ORDER BY source, target, broadcast,"
                     + " logical_table, physical_table")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Part(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getBoolean(6)));
                }
            }
        }
        return out;
    }

    private void migrate(Path migrations, List<Part> parts) throws SQLException {
        RunResult r = Migrator.builder().rules(to.rules()).migrations(migrations).clock(clock).progress(progress).build().migrate();
        if (!r.success()) {
            StringBuilder sb = new StringBuilder();
            for (RunResult.NodeResult n : r.nodes()) {
                if (n.error() != null) {
                    sb.append(n.node().describe()).append(": ").append(n.error()).append("; ");
                }
            }
            throw new ReshardException("reshard " + id + " step schema: migrating the new rules' primaries failed: " + sb);
        }
        // month tables older than the window exist on the source only: create them on the target like their template
        for (Part p : parts) {
            if (!p.broadcast() && !p.physical().equals(p.logical())) {
                onShard(p.target(), c -> Sql.execute(c, "CREATE TABLE IF NOT EXISTS " + Sql.quote(p.physical()) + " (LIKE "
                        + Sql.quote(p.logical()) + " INCLUDING ALL)"));
            }
        }
    }

    /**
     * A row filter on the bucket needs the key column in the replica identity, or PostgreSQL refuses UPDATE and DELETE
     * on the published table. A primary key holding the key column is enough; otherwise the table gets REPLICA
     * IDENTITY FULL for the job's duration (the old row is logged whole on UPDATE/DELETE; the subscriber still finds
     * rows by its primary key) and gets its default identity back at cleanup or abort.
     */
    private void replicaIdentity(String shard, List<Part> parts, boolean source) throws SQLException {
        onShard(shard, c -> {
            for (Part p : parts) {
                String identity = Sql.string(c, "SELECT relreplident::text FROM pg_class WHERE oid = ?::regclass",
                        Sql.quote(p.physical()));
                if (!"d".equals(identity) || pkHasColumn(c, p.physical(), p.keyColumn())) {
                    continue;
                }
                Sql.execute(c, "ALTER TABLE " + Sql.quote(p.physical()) + " REPLICA IDENTITY FULL");
                try (Connection h = Sql.open(home)) {
                    Sql.update(h, "UPDATE " + PART_TABLE + " SET " + (source ? "source" : "target")
                            + "_identity_changed = true WHERE job_id = ? AND physical_table = ? AND " + (source ? "source"
                            : "target") + " = ?", id, p.physical(), shard);
                }
            }
        });
    }

    private static boolean pkHasColumn(Connection c, String table, String column) throws SQLException {
        return Sql.exists(c, "SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum ="
                + " ANY (i.indkey) WHERE i.indrelid = ?::regclass AND i.indisprimary AND a.attname = ?", Sql.quote(table),
                column);
    }

    private void publication(ReshardPlan.Move m, List<Part> parts) throws SQLException {
        onShard(m.source(), c -> {
            String name = publicationName(m.target());
            if (!Sql.exists(c, "SELECT 1 FROM pg_publication WHERE pubname = ?", name)) {
                Sql.execute(c, "CREATE PUBLICATION " + name + " FOR " + filteredTables(partsOf(parts, m, false),
                        m.ranges()));
            }
            List<Part> broadcast = partsOf(parts, m, true);
            if (!broadcast.isEmpty() && !Sql.exists(c, "SELECT 1 FROM pg_publication WHERE pubname = ?", name + "_b")) {
                Sql.execute(c, "CREATE PUBLICATION " + name + "_b FOR TABLE " + String.join(", ",
                        broadcast.stream().map(p -> Sql.quote(p.physical())).toList()));
            }
        });
    }

    private String filteredTables(List<Part> parts, List<BucketRange> ranges) {
        List<String> items = new ArrayList<>();
        for (Part p : parts) {
            items.add(Sql.quote(p.physical()) + " WHERE " + BucketSql.inRanges(p.keyColumn(), plan.bucketCount(), ranges));
        }
        return "TABLE " + String.join(", ", items);
    }

    private void subscription(ReshardPlan.Move m, List<Part> parts) throws SQLException {
        List<Part> moved = partsOf(parts, m, false);
        List<Part> broadcast = partsOf(parts, m, true);
        String conninfo = Sql.conninfo(primary(from, m.source()).spec());
        onShard(m.target(), c -> {
            String name = subscriptionName(m.source(), m.target());
            if (!Sql.exists(c, "SELECT 1 FROM pg_subscription WHERE subname = ?", name)) {
                refuseRowsOnTarget(c, m, moved);
                dropOrphanSlot(m.source(), name);
                createSubscription(c, name, conninfo, publicationName(m.target()), true);
            }
            if (!broadcast.isEmpty() && !Sql.exists(c, "SELECT 1 FROM pg_subscription WHERE subname = ?", name + "_b")) {
                for (Part p : broadcast) {
                    if (Sql.exists(c, "SELECT 1 FROM " + Sql.quote(p.physical()) + " LIMIT 1")) {
                        throw new IllegalStateException("reshard " + id + ": broadcast table " + p.physical() + " on new "
                                + "shard " + m.target() + " already has rows; empty it before the copy");
                    }
                }
                dropOrphanSlot(m.source(), name + "_b");
                createSubscription(c, name + "_b", conninfo, publicationName(m.target()) + "_b", true);
            }
        });
    }

    private void refuseRowsOnTarget(Connection c, ReshardPlan.Move m, List<Part> moved) throws SQLException {
        for (Part p : moved) {
            if (Sql.exists(c, "SELECT 1 FROM " + Sql.quote(p.physical()) + " WHERE " + BucketSql.inRangesByFunction(
                    p.keyColumn(), plan.bucketCount(), m.ranges()) + " LIMIT 1")) {
                throw new IllegalStateException("reshard " + id + ": " + m.target() + "." + p.physical() + " already has"
                        + " rows in buckets " + BucketSql.multirange(m.ranges()) + " (left by an earlier job?); delete them"
                        + " or abort that job before copying");
            }
        }
    }

    private static void createSubscription(Connection c, String name, String conninfo, String publication, boolean copy)
            throws SQLException {
        Sql.execute(c, "CREATE SUBSCRIPTION " + name + " CONNECTION " + Sql.literal(conninfo) + " PUBLICATION "
                + publication + " WITH (copy_data = " + copy + ", create_slot = true, slot_name = " + Sql.literal(name)
                + ", enabled = true)");
    }

    /** A CLI killed inside CREATE SUBSCRIPTION may leave the slot on the publisher without the subscription. */
    private void dropOrphanSlot(String publisherShard, String slot) throws SQLException {
        onShard(publisherShard, c -> Sql.execute(c, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                + " WHERE slot_name = " + Sql.literal(slot) + " AND NOT active"));
    }

    // ----------------------------------------------------------------------------------------------------- status

    /** Sync state of one physical table of one move, and its rows in the moved buckets on each side. */
    public record PartStatus(String source, String target, String table, String physical, boolean broadcast,
                             String sync, long sourceRows, long targetRows, String verified) {
    }

    /** One replication slot of the job: where it is, which direction, whether a subscriber streams from it, lag. */
    public record SlotStatus(String publisher, String slot, String direction, boolean active, long lagBytes) {
    }

    /** The job as the databases see it now. */
    public record Status(String id, State state, List<String> plan, List<PartStatus> parts, List<SlotStatus> slots,
                         Instant cutoverAt, Long pauseMs, String note) {
        /** Whether every table's copy is done and the subscriptions follow the sources. */
        public boolean ready() {
            return parts.stream().allMatch(p -> p.sync().equals("ready"));
        }
    }

    /** Reads the job, pg_subscription_rel on the targets, the slots on the publishers and the rows of moved buckets. */
    public Status status() {
        try {
            List<Part> parts = parts();
            Map<String, String> verified = new HashMap<>();
            State state;
            Instant cutoverAt = null;
            Long pause = null;
            String note;
            try (Connection c = Sql.open(home);
                 PreparedStatement ps = c.prepareStatement("SELECT state, cutover_at, pause_ms, note FROM " + JOB_TABLE
                         + " WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    state = State.valueOf(rs.getString(1));
                    Timestamp ts = rs.getTimestamp(2);
                    cutoverAt = ts == null ? null : ts.toInstant();
                    long p = rs.getLong(3);
                    pause = rs.wasNull() ? null : p;
                    note = rs.getString(4);
                }
                try (PreparedStatement v = c.prepareStatement("SELECT source, target, physical_table, verified FROM "
                        + PART_TABLE + " WHERE job_id = ?")) {
                    v.setString(1, id);
                    try (ResultSet rs = v.executeQuery()) {
                        while (rs.next()) {
                            verified.put(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3),
                                    rs.getString(4));
                        }
                    }
                }
            }
            List<PartStatus> out = new ArrayList<>();
            List<SlotStatus> slots = new ArrayList<>();
            for (ReshardPlan.Move m : plan.moves()) {
                String sub = subscriptionName(m.source(), m.target());
                Map<String, String> sync = new HashMap<>();
                Map<String, long[]> rows = new HashMap<>();
                onShard(m.target(), c -> {
                    for (String name : List.of(sub, sub + "_b")) {
                        try (PreparedStatement ps = c.prepareStatement("SELECT c.relname, r.srsubstate::text FROM"
                                + " pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid JOIN pg_class c"
                                + " ON c.oid = r.srrelid WHERE s.subname = ?")) {
                            ps.setString(1, name);
                            try (ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) {
                                    sync.put(rs.getString(1), syncState(rs.getString(2)));
                                }
                            }
                        }
                    }
                    for (Part p : partsOf(parts, m)) {
                        rows.computeIfAbsent(p.physical(), k -> new long[2])[1] = count(c, p, m.ranges());
                    }
                });
                onShard(m.source(), c -> {
                    for (Part p : partsOf(parts, m)) {
                        rows.computeIfAbsent(p.physical(), k -> new long[2])[0] = count(c, p, m.ranges());
                    }
                    slots.addAll(slots(c, m.source(), "forward " + m.source() + " -> " + m.target(), List.of(sub,
                            sub + "_b")));
                });
                onShard(m.target(), c -> slots.addAll(slots(c, m.target(), "reverse " + m.target() + " -> "
                        + m.source(), List.of(reverseSubscriptionName(m.source(), m.target())))));
                for (Part p : partsOf(parts, m)) {
                    String s = sync.getOrDefault(p.physical(), switch (state) {
                        case CUT_OVER, CLEANING_UP, CLEANED_UP -> "cut over";
                        case ABORTED -> "aborted";
                        default -> "not subscribed";
                    });
                    long[] r = rows.get(p.physical());
                    out.add(new PartStatus(p.source(), p.target(), p.logical(), p.physical(), p.broadcast(), s, r[0], r[1],
                            verified.get(p.source() + "/" + p.target() + "/" + p.physical())));
                }
            }
            return new Status(id, state, plan.describe(), out, slots, cutoverAt, pause, note);
        } catch (SQLException e) {
            throw failure("status", e);
        }
    }

    private static String syncState(String code) {
        return switch (code) {
            case "i" -> "init";
            case "d" -> "copying";
            case "f" -> "copied";
            case "s" -> "synchronized";
            case "r" -> "ready";
            default -> code;
        };
    }

    private static List<SlotStatus> slots(Connection c, String publisher, String direction, List<String> names)
            throws SQLException {
        List<SlotStatus> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT slot_name, active, pg_wal_lsn_diff(pg_current_wal_lsn(),"
                + " confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", names.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SlotStatus(publisher, rs.getString(1), direction, rs.getBoolean(2), rs.getLong(3)));
                }
            }
        }
        return out;
    }

    private long count(Connection c, Part p, List<BucketRange> ranges) throws SQLException {
        return Sql.number(c, "SELECT count(*) FROM " + Sql.quote(p.physical()) + (p.broadcast() ? "" : " WHERE "
                + BucketSql.inRangesByFunction(p.keyColumn(), plan.bucketCount(), ranges)));
    }

    // ----------------------------------------------------------------------------------------------------- verify

    /** Rows and checksum of one bucket (or of a whole broadcast table: bucket -1) on one side. */
    record Sum(long rows, String md5) {
    }

    /** One physical table compared: the buckets whose rows or checksum differ, with both sides' figures. */
    public record PartCheck(String source, String target, String physical, long rows, int buckets,
                            List<String> differences) {
        public boolean ok() {
            return differences.isEmpty();
        }
    }

    /** The comparison of every part; {@link #ok()} when all match. */
    public record Verification(List<PartCheck> parts) {
        public boolean ok() {
            return parts.stream().allMatch(PartCheck::ok);
        }
    }

    /**
     * Row counts and checksums (md5 of the rows' text in primary-key order) per bucket and physical table, source vs
     * target; the result is stored with the job. While writes are running and not yet replicated, a difference may be
     * only lag: verify is exact once the buckets are fenced and caught up (cutover does that).
     */
    public Verification verify() {
        try {
            List<Part> parts = parts();
            List<PartCheck> checks = new ArrayList<>();
            for (ReshardPlan.Move m : plan.moves()) {
                for (Part p : partsOf(parts, m)) {
                    Map<Long, Sum> source = new TreeMap<>();
                    Map<Long, Sum> target = new TreeMap<>();
                    onShard(m.source(), c -> source.putAll(sums(c, p, m.ranges())));
                    onShard(m.target(), c -> target.putAll(sums(c, p, m.ranges())));
                    List<String> diff = new ArrayList<>();
                    Set<Long> buckets = new TreeSet<>(source.keySet());
                    buckets.addAll(target.keySet());
                    long rows = 0;
                    for (long b : buckets) {
                        Sum s = source.getOrDefault(b, new Sum(0, null));
                        Sum t = target.getOrDefault(b, new Sum(0, null));
                        rows += s.rows();
                        if (s.rows() != t.rows() || !Objects.equals(s.md5(), t.md5())) {
                            diff.add((b < 0 ? "table" : "bucket " + b) + ": source " + s.rows() + " rows, target "
                                    + t.rows() + " rows" + (s.rows() == t.rows() ? ", checksums differ" : ""));
                        }
                    }
                    PartCheck check = new PartCheck(m.source(), m.target(), p.physical(), rows, buckets.size(), diff);
                    checks.add(check);
                    try (Connection h = Sql.open(home)) {
                        Sql.update(h, "UPDATE " + PART_TABLE + " SET verified = ?, verified_at = now() WHERE job_id = ?"
                                + " AND source = ? AND target = ? AND physical_table = ?", check.ok() ? "ok: " + rows
                                + " rows in " + buckets.size() + " buckets" : diff.size() + " buckets differ", id,
                                m.source(), m.target(), p.physical());
                    }
                }
            }
            return new Verification(checks);
        } catch (SQLException e) {
            throw failure("verify", e);
        }
    }

    private Map<Long, Sum> sums(Connection c, Part p, List<BucketRange> ranges) throws SQLException {
        List<String> pk = Sql.strings(c, "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid ="
                + " i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY"
                + " array_position(i.indkey::int2[], a.attnum)", Sql.quote(p.physical()));
        String order = pk.isEmpty() ? "skyriff_row::text" : String.join(", ", pk.stream().map(k -> "skyriff_row."
                + Sql.quote(k)).toList());
        String bucket = p.broadcast() ? "-1" : BucketSql.FUNCTION + "(skyriff_row." + Sql.quote(p.keyColumn()) + ", "
                + plan.bucketCount() + ")";
        String sql = "SELECT " + bucket + ", count(*), md5(string_agg(skyriff_row::text, E'\\n' ORDER BY " + order
                + ")) FROM " + Sql.quote(p.physical()) + " skyriff_row" + (p.broadcast() ? "" : " WHERE "
                + BucketSql.inRangesByFunction(p.keyColumn(), plan.bucketCount(), ranges)) + " GROUP BY 1";
        Map<Long, Sum> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getLong(1), new Sum(rs.getLong(2), rs.getString(3)));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------- cutover

    /** What a cutover did: the write pause of the moved buckets (fence to publish) and its parts. */
    public record Cutover(long pauseMs, long catchUpMs, long verifyMs, long reverseMs, Verification verification) {
    }

    /**
     * Fences the moved buckets on their sources (and the broadcast tables being copied, on every old shard), waits
     * until every subscription has confirmed the sources' WAL position taken after fencing, verifies, drops the
     * forward subscriptions, creates the reverse ones (target to source, no copy), publishes the new rules and lifts
     * the broadcast fences. The fences on the moved buckets stay until cleanup: an instance still on the old rules
     * gets SQLSTATE 55R01 and reloads. If catch-up or verify fails, the fences are lifted and the job stays COPYING.
     */
    public Cutover cutover(RulesPublisher publisher, Duration catchUpTimeout) {
        Objects.requireNonNull(publisher, "publisher");
        try {
            State state = state();
            if (state != State.COPYING && state != State.CUTTING_OVER) {
                throw new IllegalStateException("reshard " + id + ": cutover needs state COPYING or CUTTING_OVER; was "
                        + state + (state == State.STARTING ? " (run 'reshard start --resume " + id + "' first)" : ""));
            }
            List<Part> parts = parts();
            if (!done("forward-dropped")) {
                Status s = status();
                List<String> notReady = s.parts().stream().filter(p -> !p.sync().equals("ready"))
                        .map(p -> p.target() + "." + p.physical() + " " + p.sync()).toList();
                if (!notReady.isEmpty()) {
                    throw new IllegalStateException("reshard " + id + ": cutover needs every table copied and ready;"
                            + " not yet: " + String.join(", ", notReady) + " (see 'reshard status " + id + "')");
                }
            }
            setState(State.CUTTING_OVER, null);
            long t0 = System.nanoTime();
            long catchUp = 0;
            long verifyMs = 0;
            Verification v = null;
            if (!done("forward-dropped")) {
                fenceSources(parts);
                long c0 = System.nanoTime();
                try {
                    for (ReshardPlan.Move m : plan.moves()) {
                        String lsn = onShardValue(m.source(), c -> Sql.string(c, "SELECT pg_current_wal_lsn()::text"));
                        awaitSlot(m.source(), subscriptionName(m.source(), m.target()), lsn, catchUpTimeout);
                        if (!partsOf(parts, m, true).isEmpty()) {
                            awaitSlot(m.source(), subscriptionName(m.source(), m.target()) + "_b", lsn, catchUpTimeout);
                        }
                    }
                    catchUp = millis(c0);
                    long v0 = System.nanoTime();
                    v = verify();
                    verifyMs = millis(v0);
                    if (!v.ok()) {
                        throw new IllegalStateException("reshard " + id + ": verify after fencing found differences: "
                                + v.parts().stream().filter(p -> !p.ok()).map(p -> p.target() + "." + p.physical() + " "
                                + p.differences()).toList());
                    }
                } catch (RuntimeException e) {
                    unfenceSources(parts, false);
                    setState(State.COPYING, "cutover failed, fences lifted: " + e.getMessage());
                    throw e;
                }
                step("forward-dropped", () -> {
                    for (ReshardPlan.Move m : plan.moves()) {
                        dropSubscription(m.target(), subscriptionName(m.source(), m.target()));
                        dropSubscription(m.target(), subscriptionName(m.source(), m.target()) + "_b");
                    }
                });
            }
            long r0 = System.nanoTime();
            for (ReshardPlan.Move m : plan.moves()) {
                step("reverse@" + m.target() + "->" + m.source(), () -> reverse(m, parts));
            }
            long reverseMs = millis(r0);
            step("published", () -> {
                try {
                    publisher.publish(toText);
                } catch (IOException e) {
                    throw new ReshardException("reshard " + id + ": publishing the new rules failed: " + e.getMessage()
                            + "; run cutover again", e);
                }
            });
            long pause = millis(t0);
            step("broadcast-unfenced", () -> unfenceSources(parts, true));
            try (Connection h = Sql.open(home)) {
                Sql.update(h, "UPDATE " + JOB_TABLE + " SET state = ?, cutover_at = now(), pause_ms = ?, updated_at ="
                        + " now(), note = NULL WHERE id = ?", State.CUT_OVER.name(), pause, id);
            }
            return new Cutover(pause, catchUp, verifyMs, reverseMs, v);
        } catch (SQLException e) {
            throw failure("cutover", e);
        }
    }

    private void fenceSources(List<Part> parts) throws SQLException {
        for (ReshardPlan.Move m : plan.moves()) {
            List<Part> moved = partsOf(parts, m, false);
            onShard(m.source(), c -> fence(c, moved, m.target(), m.ranges()));
        }
        // a broadcast table being copied to a new shard: no write on any old shard until the new rules are out
        for (ReshardPlan.Move m : plan.moves()) {
            List<Part> broadcast = partsOf(parts, m, true);
            if (!broadcast.isEmpty()) {
                for (String shard : from.shardNames()) {
                    onShard(shard, c -> fence(c, broadcast, m.target(), List.of()));
                }
            }
        }
    }

    /** Installs the fence triggers in one transaction; waits at most 5 s for the tables' locks. */
    private void fence(Connection c, List<Part> parts, String otherShard, List<BucketRange> ranges) throws SQLException {
        c.setAutoCommit(false);
        Sql.execute(c, "SET LOCAL lock_timeout = '5s'");
        for (Part p : parts) {
            Sql.execute(c, "CREATE OR REPLACE TRIGGER " + fenceName(otherShard) + " BEFORE INSERT OR UPDATE OR DELETE ON "
                    + Sql.quote(p.physical()) + " FOR EACH ROW EXECUTE FUNCTION " + FENCE_FUNCTION + "(" + String.join(", ",
                    Sql.literal(p.broadcast() ? "" : p.keyColumn()), Sql.literal(Integer.toString(plan.bucketCount())),
                    Sql.literal(id), Sql.literal(otherShard), Sql.literal(BucketSql.multirange(ranges)),
                    Sql.literal(p.logical())) + ")");
        }
        c.commit();
        c.setAutoCommit(true);
    }

    private void unfence(Connection c, List<Part> parts, String otherShard) throws SQLException {
        for (Part p : parts) {
            if (exists(c, p)) {
                Sql.execute(c, "DROP TRIGGER IF EXISTS " + fenceName(otherShard) + " ON " + Sql.quote(p.physical()));
            }
        }
    }

    private void unfenceSources(List<Part> parts, boolean broadcastOnly) throws SQLException {
        for (ReshardPlan.Move m : plan.moves()) {
            if (!broadcastOnly) {
                onShard(m.source(), c -> unfence(c, partsOf(parts, m, false), m.target()));
            }
            List<Part> broadcast = partsOf(parts, m, true);
            if (!broadcast.isEmpty()) {
                for (String shard : from.shardNames()) {
                    onShard(shard, c -> unfence(c, broadcast, m.target()));
                }
            }
        }
    }

    /**
     * Target to source for the moved buckets, from the moment the forward subscription is gone: a publication with the
     * same row filter on the target, a subscription without copy on the source (PostgreSQL 15 has no origin filter,
     * so both directions may never run at once). The source's fences do not stop it: the apply worker runs as a
     * replica, where ordinary triggers do not fire.
     */
    private void reverse(ReshardPlan.Move m, List<Part> parts) throws SQLException {
        List<Part> moved = partsOf(parts, m, false);
        replicaIdentity(m.target(), moved, false);
        String pub = reversePublicationName(m.source());
        onShard(m.target(), c -> {
            if (!Sql.exists(c, "SELECT 1 FROM pg_publication WHERE pubname = ?", pub)) {
                Sql.execute(c, "CREATE PUBLICATION " + pub + " FOR " + filteredTables(moved, m.ranges()));
            }
        });
        String sub = reverseSubscriptionName(m.source(), m.target());
        String conninfo = Sql.conninfo(primary(to, m.target()).spec());
        onShard(m.source(), c -> {
            if (!Sql.exists(c, "SELECT 1 FROM pg_subscription WHERE subname = ?", sub)) {
                dropOrphanSlot(m.target(), sub);
                createSubscription(c, sub, conninfo, pub, false);
            }
        });
    }

    private void awaitSlot(String publisherShard, String slot, String lsn, Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        onShard(publisherShard, c -> {
            while (true) {
                String ok = Sql.string(c, "SELECT (confirmed_flush_lsn >= ?::pg_lsn)::text FROM pg_replication_slots WHERE"
                        + " slot_name = ?", lsn, slot);
                if (ok == null) {
                    throw new IllegalStateException("reshard " + id + ": replication slot " + slot + " is missing on "
                            + publisherShard + "'s primary");
                }
                if (ok.equals("true")) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    String at = Sql.string(c, "SELECT confirmed_flush_lsn::text || ' (active ' || active || ')' FROM"
                            + " pg_replication_slots WHERE slot_name = ?", slot);
                    throw new IllegalStateException("reshard " + id + ": slot " + slot + " on " + publisherShard
                            + " did not confirm " + lsn + " within " + timeout.toMillis() + " ms; it is at " + at
                            + " (is the subscriber's primary up?)");
                }
                sleep();
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------- cleanup

    /**
     * After the grace period since cutover: drops the reverse subscriptions and every publication, deletes the moved
     * rows from the sources (through the fences, by the job's bypass setting), drops the fences and gives the tables
     * back their default replica identity.
     */
    public void cleanup(Duration grace) {
        try {
            State state = state();
            if (state != State.CUT_OVER && state != State.CLEANING_UP) {
                throw new IllegalStateException("reshard " + id + ": cleanup needs state CUT_OVER; was " + state);
            }
            if (state == State.CUT_OVER) {
                Instant at = status().cutoverAt();
                Duration since = Duration.between(at, Instant.now());
                if (since.compareTo(grace) < 0) {
                    throw new IllegalStateException("reshard " + id + ": cleanup waits for the grace period after cutover"
                            + " (" + grace.toSeconds() + " s; cut over " + since.toSeconds() + " s ago) so that every"
                            + " instance runs the new rules; pass a shorter --grace to override");
                }
            }
            setState(State.CLEANING_UP, null);
            List<Part> parts = parts();
            for (ReshardPlan.Move m : plan.moves()) {
                step("cleanup-reverse@" + m.target() + "->" + m.source(), () -> dropReverse(m));
                step("cleanup-publication@" + m.source() + "->" + m.target(), () -> dropPublications(m));
                step("cleanup-rows@" + m.source() + "->" + m.target(), () -> onShard(m.source(), c ->
                        deleteMoved(c, partsOf(parts, m, false), m.ranges())));
                step("cleanup-fence@" + m.source() + "->" + m.target(), () -> onShard(m.source(), c ->
                        unfence(c, partsOf(parts, m, false), m.target())));
            }
            step("cleanup-identity", () -> restoreIdentities(parts));
            setState(State.CLEANED_UP, null);
        } catch (SQLException e) {
            throw failure("cleanup", e);
        }
    }

    private void deleteMoved(Connection c, List<Part> parts, List<BucketRange> ranges) throws SQLException {
        c.setAutoCommit(false);
        Sql.execute(c, "SELECT set_config(" + Sql.literal(BYPASS_SETTING) + ", " + Sql.literal(id) + ", true)");
        for (Part p : parts) {
            if (!exists(c, p)) {
                continue; // an abort before the schema step: nothing was copied there
            }
            Sql.execute(c, "DELETE FROM " + Sql.quote(p.physical()) + (p.broadcast() ? "" : " WHERE "
                    + BucketSql.inRangesByFunction(p.keyColumn(), plan.bucketCount(), ranges)));
        }
        c.commit();
        c.setAutoCommit(true);
    }

    private static boolean exists(Connection c, Part p) throws SQLException {
        return Sql.string(c, "SELECT to_regclass(?)::text", Sql.quote(p.physical())) != null;
    }

    private void dropReverse(ReshardPlan.Move m) throws SQLException {
        dropSubscription(m.source(), reverseSubscriptionName(m.source(), m.target()));
        onShard(m.target(), c -> Sql.execute(c, "DROP PUBLICATION IF EXISTS " + reversePublicationName(m.source())));
    }

    private void dropPublications(ReshardPlan.Move m) throws SQLException {
        onShard(m.source(), c -> {
            Sql.execute(c, "DROP PUBLICATION IF EXISTS " + publicationName(m.target()));
            Sql.execute(c, "DROP PUBLICATION IF EXISTS " + publicationName(m.target()) + "_b");
        });
    }

    private void dropSubscription(String shard, String name) throws SQLException {
        onShard(shard, c -> Sql.execute(c, "DROP SUBSCRIPTION IF EXISTS " + name));
    }

    private void restoreIdentities(List<Part> parts) throws SQLException {
        Map<String, List<String>> byNode = new LinkedHashMap<>();
        try (Connection h = Sql.open(home);
             PreparedStatement ps = h.prepareStatement("SELECT source, physical_table, source_identity_changed, target,"
                     + " target_identity_changed FROM " + PART_TABLE + " WHERE job_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean(3)) {
                        byNode.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                    }
                    if (rs.getBoolean(5)) {
                        byNode.computeIfAbsent(rs.getString(4), k -> new ArrayList<>()).add(rs.getString(2));
                    }
                }
            }
        }
        for (Map.Entry<String, List<String>> e : byNode.entrySet()) {
            onShard(e.getKey(), c -> {
                for (String t : new TreeSet<>(e.getValue())) {
                    Sql.execute(c, "ALTER TABLE IF EXISTS " + Sql.quote(t) + " REPLICA IDENTITY DEFAULT");
                }
            });
        }
    }

    // ------------------------------------------------------------------------------------------------------ abort

    /** What an abort did: the write pause of the moved buckets when it had to switch back (0 before cutover). */
    public record Abort(State from, long pauseMs) {
    }

    /**
     * Back to the old rules, before cleanup. Before cutover: drops the subscriptions (and their slots), the
     * publications and any fence, deletes the copies on the targets. After cutover: fences the moved buckets on the
     * targets, waits until the reverse subscriptions have confirmed the targets' WAL position, publishes the old
     * rules, lifts the sources' fences, then removes the copies and the replication objects.
     */
    public Abort abort(RulesPublisher publisher, Duration catchUpTimeout) {
        try {
            State state = state();
            if (state == State.CLEANED_UP || state == State.CLEANING_UP || state == State.ABORTED) {
                throw new IllegalStateException("reshard " + id + ": abort is possible until cleanup; state is " + state);
            }
            boolean after = state == State.CUT_OVER || state == State.ABORTING && done("abort-fenced-targets")
                    || state == State.CUTTING_OVER && done("published");
            List<Part> parts = parts();
            setState(State.ABORTING, null);
            long pause = 0;
            if (after) {
                Objects.requireNonNull(publisher, "publisher");
                long t0 = System.nanoTime();
                step("abort-fenced-targets", () -> {
                    for (ReshardPlan.Move m : plan.moves()) {
                        onShard(m.target(), c -> fence(c, partsOf(parts, m, false), m.source(), m.ranges()));
                    }
                });
                for (ReshardPlan.Move m : plan.moves()) {
                    step("abort-caught-up@" + m.target() + "->" + m.source(), () -> {
                        String lsn = onShardValue(m.target(), c -> Sql.string(c, "SELECT pg_current_wal_lsn()::text"));
                        awaitSlot(m.target(), reverseSubscriptionName(m.source(), m.target()), lsn, catchUpTimeout);
                    });
                }
                step("abort-published", () -> {
                    try {
                        publisher.publish(fromText);
                    } catch (IOException e) {
                        throw new ReshardException("reshard " + id + ": publishing the old rules failed: "
                                + e.getMessage() + "; run abort again", e);
                    }
                });
                pause = millis(t0);
            }
            step("abort-unfenced-sources", () -> unfenceSources(parts, false));
            for (ReshardPlan.Move m : plan.moves()) {
                step("abort-replication@" + m.source() + "->" + m.target(), () -> {
                    dropSubscription(m.target(), subscriptionName(m.source(), m.target()));
                    dropSubscription(m.target(), subscriptionName(m.source(), m.target()) + "_b");
                    dropReverse(m);
                    dropPublications(m);
                });
                step("abort-rows@" + m.target(), () -> onShard(m.target(), c -> {
                    deleteMoved(c, partsOf(parts, m), m.ranges());
                    unfence(c, partsOf(parts, m, false), m.source());
                }));
            }
            step("abort-identity", () -> restoreIdentities(parts));
            setState(State.ABORTED, null);
            return new Abort(state, pause);
        } catch (SQLException e) {
            throw failure("abort", e);
        }
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    State state() throws SQLException {
        try (Connection c = Sql.open(home)) {
            String s = Sql.string(c, "SELECT state FROM " + JOB_TABLE + " WHERE id = ?", id);
            if (s == null) {
                throw new IllegalStateException("reshard " + id + ": the job is not on " + home.describe());
            }
            return State.valueOf(s);
        }
    }

    private void setState(State state, String note) throws SQLException {
        try (Connection c = Sql.open(home)) {
            Sql.update(c, "UPDATE " + JOB_TABLE + " SET state = ?, note = ?, updated_at = now() WHERE id = ?", state.name(),
                    note, id);
        }
    }

    private boolean done(String step) throws SQLException {
        try (Connection c = Sql.open(home)) {
            return Sql.exists(c, "SELECT 1 FROM " + STEP_TABLE + " WHERE job_id = ? AND step = ?", id, step);
        }
    }

    private interface SqlWork {
        void run() throws SQLException;
    }

    private interface OnConnection {
        void run(Connection c) throws SQLException;
    }

    private interface OnConnectionValue<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} unless the step is recorded as done, then records it. */
    private void step(String name, SqlWork work) throws SQLException {
        if (done(name)) {
            return;
        }
        progress.update(id, name, 0, 1);
        beforeStep.accept(name);
        try {
            work.run();
        } catch (SQLException e) {
            throw new ReshardException("reshard " + id + " step " + name + ": " + e.getMessage() + " (SQLSTATE "
                    + e.getSQLState() + "); fix the cause and run the same command again", e);
        }
        try (Connection c = Sql.open(home)) {
            Sql.update(c, "INSERT INTO " + STEP_TABLE + " (job_id, step) VALUES (?, ?) ON CONFLICT DO NOTHING", id, name);
        }
        progress.update(id, name + " done", 1, 1);
    }

    private void onShard(String shard, OnConnection work) throws SQLException {
        PhysicalNode node = primary(to.shardIndex(shard) >= 0 ? to : from, shard);
        try (Connection c = Sql.open(node)) {
            work.run(c);
        } catch (SQLException e) {
            throw new SQLException(node.describe() + " at " + node.spec().maskedUrl() + ": " + e.getMessage(),
                    e.getSQLState(), e);
        }
    }

    private <T> T onShardValue(String shard, OnConnectionValue<T> work) throws SQLException {
        List<T> out = new ArrayList<>(1);
        onShard(shard, c -> out.add(work.run(c)));
        return out.get(0);
    }

    private static PhysicalNode primary(Topology t, String shard) {
        return t.nodes(t.shardIndex(shard)).get(0);
    }

    private static List<Part> partsOf(List<Part> parts, ReshardPlan.Move m) {
        return parts.stream().filter(p -> p.source().equals(m.source()) && p.target().equals(m.target())).toList();
    }

    private static List<Part> partsOf(List<Part> parts, ReshardPlan.Move m, boolean broadcast) {
        return partsOf(parts, m).stream().filter(p -> p.broadcast() == broadcast).toList();
    }

    private String publicationName(String target) {
        return "skyriff_rs_" + id + "_" + Sql.name(target);
    }

    private String subscriptionName(String source, String target) {
        return "skyriff_rs_" + id + "_" + Sql.name(source) + "_" + Sql.name(target);
    }

    private String reversePublicationName(String source) {
        return "skyriff_rs_" + id + "_rev_" + Sql.name(source);
    }

    private String reverseSubscriptionName(String source, String target) {
        return "skyriff_rs_" + id + "_rev_" + Sql.name(target) + "_" + Sql.name(source);
    }

    private String fenceName(String otherShard) {
        return "skyriff_fence_" + id + "_" + Sql.name(otherShard);
    }

    /**
     * The trigger function of every fence. Arguments: key column ('' for a broadcast table: every row), bucket count,
     * job id, the shard the rows move to, the moved buckets as an int8multirange, the logical table. A session that
     * sets {@code skyriff.fence_bypass} to the job id (cleanup, abort) passes.
     */
    static String fenceFunction() {
        return "CREATE OR REPLACE FUNCTION " + FENCE_FUNCTION + "() RETURNS trigger LANGUAGE plpgsql AS $f$\n"
                + "DECLARE b bigint;\n"
                + "BEGIN\n"
                + "  IF current_setting('" + BYPASS_SETTING + "', true) = TG_ARGV[2] THEN\n"
                + "    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;\n"
                + "  END IF;\n"
                + "  IF TG_ARGV[0] = '' THEN\n"
                + "    RAISE EXCEPTION 'skyriff: table % is being copied to shard % (resharding %); reload the rules',\n"
                + "      TG_ARGV[5], TG_ARGV[3], TG_ARGV[2] USING ERRCODE = '" + FENCE_SQLSTATE + "';\n"
                + "  END IF;\n"
                + "  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n"
                + "    b := " + BucketSql.FUNCTION + "((to_jsonb(OLD) ->> TG_ARGV[0])::bigint, TG_ARGV[1]::integer);\n"
                + "    IF TG_ARGV[4]::int8multirange @> b THEN\n"
                + "      RAISE EXCEPTION 'skyriff: bucket % of % is moving to shard % (resharding %); reload the rules',\n"
                + "        b, TG_ARGV[5], TG_ARGV[3], TG_ARGV[2] USING ERRCODE = '" + FENCE_SQLSTATE + "';\n"
                + "    END IF;\n"
                + "  END IF;\n"
                + "  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n"
                + "    b := " + BucketSql.FUNCTION + "((to_jsonb(NEW) ->> TG_ARGV[0])::bigint, TG_ARGV[1]::integer);\n"
                + "    IF TG_ARGV[4]::int8multirange @> b THEN\n"
                + "      RAISE EXCEPTION 'skyriff: bucket % of % is moving to shard % (resharding %); reload the rules',\n"
                + "        b, TG_ARGV[5], TG_ARGV[3], TG_ARGV[2] USING ERRCODE = '" + FENCE_SQLSTATE + "';\n"
                + "    END IF;\n"
                + "    RETURN NEW;\n"
                + "  END IF;\n"
                + "  RETURN OLD;\n"
                + "END $f$";
    }

    private ReshardException failure(String command, SQLException e) {
        return new ReshardException("reshard " + id + " " + command + ": " + e.getMessage(), e);
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("reshard: interrupted while waiting for replication", e);
        }
    }
}
