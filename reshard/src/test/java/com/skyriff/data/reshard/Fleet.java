package com.skyriff.data.reshard;

import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.RulesReader;
import com.skyriff.data.rules.Topology;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * One test database on the shared local topology: phase-3 rules (shard0 owns every bucket) and phase-4 rules (shard1
 * added, owning buckets 32-63), the migrations, seed rows, a writer routed by the live rules file, and the model of
 * every row the test committed, to compare with what the shards hold.
 */
final class Fleet implements AutoCloseable {
    static final int BUCKETS = 64;
    static final String V1 = """
            CREATE TABLE users (user_id bigint PRIMARY KEY, handle text NOT NULL);
            CREATE TABLE videos (video_id bigint PRIMARY KEY, user_id bigint NOT NULL, views bigint NOT NULL DEFAULT 0);
            CREATE INDEX videos_user_idx ON videos (user_id);
            CREATE TABLE watch_events (event_id bigint NOT NULL, user_id bigint NOT NULL, created_at timestamptz NOT NULL,
                PRIMARY KEY (event_id, created_at));
            CREATE TABLE regions (code text PRIMARY KEY, name text NOT NULL);
            """;

    final TestDatabase db;
    final Path dir;
    final Path migrations;
    final Path live;
    final String oldText;
    final String newText;
    final Topology oldTopology;
    final Topology newTopology;
    final YearMonth firstMonth = YearMonth.now(ZoneOffset.UTC).minusMonths(1);

    /** users: id -> handle; videos: id -> {user, views}; events: id -> {user, epoch millis}. */
    final Map<Long, String> users = new ConcurrentHashMap<>();
    final Map<Long, long[]> videos = new ConcurrentHashMap<>();
    final Map<Long, long[]> events = new ConcurrentHashMap<>();
    final AtomicLong nextId = new AtomicLong(1_000_000);

    Fleet(String database, Path dir) throws IOException, SQLException {
        this.db = LocalTopology.shared().createDatabase(database);
        this.dir = dir;
        this.migrations = Files.createDirectories(dir.resolve("db"));
        Files.writeString(migrations.resolve("V1__create.sql"), V1);
        this.oldText = rules(false);
        this.newText = rules(true);
        this.live = dir.resolve("live-rules.yaml");
        Files.writeString(live, oldText);
        this.oldTopology = compile(oldText);
        this.newTopology = compile(newText);
        com.skyriff.data.migrations.RunResult r = com.skyriff.data.migrations.Migrator.builder()
                .rules(oldTopology.rules()).migrations(migrations).build().migrate();
        if (!r.success()) {
            throw new IllegalStateException("migrate: " + r);
        }
    }

    String rules(boolean phase4) {
        PgShard s0 = db.shards().get(0);
        PgShard s1 = db.shards().get(1);
        String shard1 = """
                  - name: shard1
                    buckets: 32-63
                    primary: { url: "%s", username: "${PG_USER}", password: "${PG_PASSWORD}" }
                    replicas: [ "%s" ]
                """.formatted(s1.primary().jdbcUrl(), s1.replicas().get(0).jdbcUrl());
        return """
                name: reshard_it
                bucket-count: %d
                shards:
                  - name: shard0
                    buckets: %s
                    primary: { url: "%s", username: "${PG_USER}", password: "${PG_PASSWORD}" }
                    replicas: [ "%s" ]
                %stables:
                  users:        { strategy: user, key: user_id }
                  videos:       { strategy: user, key: user_id, id: video_id }
                  watch_events: { strategy: user+month, key: user_id, time: created_at, first-month: %s, months-ahead: 1 }
                  regions:      { strategy: broadcast }
                """.formatted(BUCKETS, phase4 ? "0-31" : "0-63", s0.primary().jdbcUrl(), s0.replicas().get(0).jdbcUrl(),
                phase4 ? shard1 : "", firstMonth);
    }

    Topology compile(String text) {
        PgNode p = db.shards().get(0).primary();
        Function<String, String> env = k -> switch (k) {
            case "PG_USER" -> p.user();
            case "PG_PASSWORD" -> p.password();
            default -> null;
        };
        return Topology.compile(RulesReader.parse(text, "rules.yaml", env, Clock.systemUTC()), Clock.systemUTC());
    }

    Reshard create() {
        return Reshard.create(oldTopology, newTopology, oldText, newText);
    }

    /** The job as a new CLI process would find it. */
    Reshard reopen(String id) {
        return Reshard.open(oldTopology, id, this::compile);
    }

    PgNode node(int shard) {
        return db.shards().get(shard).primary();
    }

    static Connection connect(PgNode n) throws SQLException {
        return DriverManager.getConnection(n.jdbcUrl(), n.user(), n.password());
    }

    Connection connect(Topology t, long userId) throws SQLException {
        PhysicalNode node = t.nodes(t.shardOf(userId)).get(0);
        return DriverManager.getConnection(node.spec().url(), node.spec().username(), node.spec().password().reveal());
    }

    Timestamp timeOf(SplittableRandom r) {
        long start = firstMonth.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        long end = firstMonth.plusMonths(2).atEndOfMonth().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        return new Timestamp(start + (long) (r.nextDouble() * (end - start)));
    }

    String monthTable(Timestamp at) {
        return oldTopology.monthTable(oldTopology.table("watch_events"), at);
    }

    /** Seed rows through plain JDBC on shard0 (phase 3 owns everything there). */
    void seed(int userCount) throws SQLException {
        SplittableRandom r = new SplittableRandom(7);
        try (Connection c = connect(node(0))) {
            c.setAutoCommit(false);
            try (PreparedStatement u = c.prepareStatement("INSERT INTO users VALUES (?, ?)");
                 PreparedStatement v = c.prepareStatement("INSERT INTO videos VALUES (?, ?, 0)")) {
                for (int i = 0; i < userCount; i++) {
                    long id = nextId.incrementAndGet();
                    u.setLong(1, id);
                    u.setString(2, "user" + id);
                    u.addBatch();
                    users.put(id, "user" + id);
                    long video = nextId.incrementAndGet();
                    v.setLong(1, video);
                    v.setLong(2, id);
                    v.addBatch();
                    videos.put(video, new long[] {id, 0});
                }
                u.executeBatch();
                v.executeBatch();
            }
            List<Long> ids = new ArrayList<>(users.keySet());
            for (int i = 0; i < userCount * 2; i++) {
                long user = ids.get(r.nextInt(ids.size()));
                Timestamp at = timeOf(r);
                long event = nextId.incrementAndGet();
                try (PreparedStatement e = c.prepareStatement("INSERT INTO " + monthTable(at) + " VALUES (?, ?, ?)")) {
                    e.setLong(1, event);
                    e.setLong(2, user);
                    e.setTimestamp(3, at);
                    e.executeUpdate();
                }
                events.put(event, new long[] {user, at.getTime()});
            }
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO regions VALUES ('eu', 'Europe'), ('us', 'Americas'), ('ap', 'Asia-Pacific')");
            }
            c.commit();
        }
    }

    /**
     * Writes until stopped, routed by the rules in the live file: inserts users, videos and events, updates views,
     * deletes users it created. On SQLSTATE 55R01 (a fence) it re-reads the live rules and retries the same write.
     */
    /** Starts a {@link Writer} on a thread of its own; {@link Writer#finish()} stops it and waits for it. */
    Writer startWriter() {
        Writer w = new Writer();
        w.thread.start();
        return w;
    }

    final class Writer implements Runnable {
        private final Thread thread = new Thread(this, "writer");
        final AtomicReference<Topology> rules = new AtomicReference<>(oldTopology);
        final AtomicLong writes = new AtomicLong();
        final AtomicLong fenced = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Set<Long> deletable = ConcurrentHashMap.newKeySet();
        volatile boolean stop;

        /** Stops the writer after its current write and waits until its thread has ended. */
        void finish() throws InterruptedException {
            stop = true;
            thread.join();
        }
        private final SplittableRandom random = new SplittableRandom(11);
        private String liveText = oldText;

        @Override
        public void run() {
            try {
                while (!stop) {
                    writeOne();
                }
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                for (Connection c : open.values()) {
                    try {
                        c.close();
                    } catch (SQLException e) {
                        // closing after the run
                    }
                }
            }
        }

        private void writeOne() throws Exception {
            int op = random.nextInt(10);
            List<Long> videoIds = op < 3 ? new ArrayList<>(videos.keySet()) : List.of();
            if (op < 3 && !videoIds.isEmpty()) {
                long video = videoIds.get(random.nextInt(videoIds.size()));
                long[] v = videos.get(video);
                retry(v[0], c -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE videos SET views = views + 1 WHERE video_id = ?")) {
                        ps.setLong(1, video);
                        if (ps.executeUpdate() != 1) {
                            throw new IllegalStateException("video " + video + " of user " + v[0] + " not found on its shard");
                        }
                    }
                });
                v[1]++;
            } else if (op < 5 && !deletable.isEmpty()) {
                long user = deletable.iterator().next();
                deletable.remove(user);
                retry(user, c -> {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM users WHERE user_id = ?")) {
                        ps.setLong(1, user);
                        if (ps.executeUpdate() != 1) {
                            throw new IllegalStateException("user " + user + " not found on its shard");
                        }
                    }
                });
                users.remove(user);
            } else if (op < 7) {
                long user = nextId.incrementAndGet();
                retry(user, c -> {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO users VALUES (?, ?)")) {
                        ps.setLong(1, user);
                        ps.setString(2, "w" + user);
                        ps.executeUpdate();
                    }
                });
                users.put(user, "w" + user);
                deletable.add(user);
            } else {
                List<Long> ids = new ArrayList<>(users.keySet());
                long user = ids.get(random.nextInt(ids.size()));
                Timestamp at = timeOf(random);
                long event = nextId.incrementAndGet();
                retry(user, c -> {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + monthTable(at) + " VALUES (?, ?, ?)")) {
                        ps.setLong(1, event);
                        ps.setLong(2, user);
                        ps.setTimestamp(3, at);
                        ps.executeUpdate();
                    }
                });
                events.put(event, new long[] {user, at.getTime()});
            }
            writes.incrementAndGet();
        }

        interface Work {
            void run(Connection c) throws SQLException;
        }

        /** One open connection per primary url (autocommit: each write is its own transaction). */
        private final Map<String, Connection> open = new java.util.HashMap<>();

        private void retry(long userId, Work work) throws Exception {
            while (true) {
                Topology t = rules.get();
                PhysicalNode node = t.nodes(t.shardOf(userId)).get(0);
                Connection c = open.get(node.spec().url());
                if (c == null) {
                    c = connect(t, userId);
                    open.put(node.spec().url(), c);
                }
                try {
                    work.run(c);
                    return;
                } catch (SQLException e) {
                    if (!Reshard.FENCE_SQLSTATE.equals(e.getSQLState())) {
                        throw e;
                    }
                    if (!e.getMessage().contains("skyriff: ") || !e.getMessage().contains("reload the rules")) {
                        throw new AssertionError("fence message: " + e.getMessage(), e);
                    }
                    fenced.incrementAndGet();
                    String text = Files.readString(live);
                    if (!text.equals(liveText)) {
                        liveText = text;
                        rules.set(compile(text));
                    } else {
                        Thread.sleep(2);
                    }
                }
            }
        }
    }

    /** Per table and bucket, the rows (sorted text) the model says must exist. */
    Map<String, Map<Integer, List<String>>> expected() {
        Map<String, Map<Integer, List<String>>> out = new TreeMap<>();
        users.forEach((id, handle) -> add(out, "users", id, id + "," + handle));
        videos.forEach((id, v) -> add(out, "videos", v[0], id + "," + v[0] + "," + v[1]));
        events.forEach((id, e) -> add(out, "watch_events", e[0], id + "," + e[0] + "," + e[1]));
        out.values().forEach(m -> m.values().forEach(l -> l.sort(null)));
        return out;
    }

    private void add(Map<String, Map<Integer, List<String>>> out, String table, long user, String row) {
        out.computeIfAbsent(table, k -> new TreeMap<>()).computeIfAbsent(oldTopology.bucketOf(user), k -> new ArrayList<>())
                .add(row);
    }

    /**
     * Per table and bucket, the rows that shard {@code shard} holds (every month table of watch_events), read through
     * plain JDBC; with {@code owned} only the buckets {@code rules} give that shard.
     */
    Map<String, Map<Integer, List<String>>> actual(int shard, Topology rules, boolean owned) throws SQLException {
        Map<String, Map<Integer, List<String>>> out = new TreeMap<>();
        try (Connection c = connect(node(shard)); Statement s = c.createStatement()) {
            read(s, "SELECT user_id, user_id || ',' || handle FROM users", "users", shard, rules, owned, out);
            read(s, "SELECT user_id, video_id || ',' || user_id || ',' || views FROM videos", "videos", shard, rules, owned,
                    out);
            for (String t : oldTopology.table("watch_events").physicalTables()) {
                read(s, "SELECT user_id, event_id || ',' || user_id || ',' || (extract(epoch from created_at) * 1000)::bigint"
                        + " FROM " + t, "watch_events", shard, rules, owned, out);
            }
        }
        out.values().forEach(m -> m.values().forEach(l -> l.sort(null)));
        return out;
    }

    private void read(Statement s, String sql, String table, int shard, Topology rules, boolean owned,
                      Map<String, Map<Integer, List<String>>> out) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                long user = rs.getLong(1);
                if (owned && rules.shardOf(user) != shard) {
                    continue;
                }
                out.computeIfAbsent(table, k -> new TreeMap<>()).computeIfAbsent(rules.bucketOf(user),
                        k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
    }

    /** Both shards' rows, each row once: the union, refusing a row that both hold. */
    Map<String, Map<Integer, List<String>>> union(Topology rules) throws SQLException {
        Map<String, Map<Integer, List<String>>> out = new TreeMap<>();
        for (int s = 0; s < 2; s++) {
            actual(s, rules, false).forEach((table, byBucket) -> byBucket.forEach((b, rows) ->
                    out.computeIfAbsent(table, k -> new TreeMap<>()).computeIfAbsent(b, k -> new ArrayList<>()).addAll(rows)));
        }
        out.values().forEach(m -> m.values().forEach(l -> l.sort(null)));
        return out;
    }

    long count(int shard, String sql) throws SQLException {
        try (Connection c = connect(node(shard)); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Replication objects of this database left on either shard (subscriptions, publications, slots of its jobs). */
    List<String> replicationObjects(String id) throws SQLException {
        List<String> out = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            try (Connection c = connect(node(s)); Statement st = c.createStatement()) {
                for (String q : List.of("SELECT 'subscription ' || subname FROM pg_subscription WHERE subname LIKE '%" + id + "%'",
                        "SELECT 'publication ' || pubname FROM pg_publication WHERE pubname LIKE '%" + id + "%'",
                        "SELECT 'slot ' || slot_name FROM pg_replication_slots WHERE slot_name LIKE '%" + id + "%'",
                        "SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgname LIKE '%" + id + "%'")) {
                    try (ResultSet rs = st.executeQuery(q)) {
                        while (rs.next()) {
                            out.add("shard" + s + ": " + rs.getString(1));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Waits until every table of the job is copied and ready; prints status lines while waiting. */
    static Reshard.Status awaitReady(Reshard job, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Reshard.Status s = job.status();
            if (s.ready()) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not ready after " + timeout + ": " + s);
            }
            Thread.sleep(200);
        }
    }

    /** Drops what a failed test may have left: subscriptions first (they own the slots), then leftover slots. */
    @Override
    public void close() {
        for (int s = 0; s < 2; s++) {
            try (Connection c = connect(node(s)); Statement st = c.createStatement()) {
                List<String> subs = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT subname FROM pg_subscription s JOIN pg_database d ON d.oid ="
                        + " s.subdbid WHERE d.datname = current_database()")) {
                    while (rs.next()) {
                        subs.add(rs.getString(1));
                    }
                }
                for (String sub : subs) {
                    st.execute("ALTER SUBSCRIPTION " + sub + " DISABLE");
                    st.execute("ALTER SUBSCRIPTION " + sub + " SET (slot_name = NONE)");
                    st.execute("DROP SUBSCRIPTION " + sub);
                }
            } catch (SQLException e) {
                System.err.println("cleanup of shard" + s + ": " + e.getMessage());
            }
        }
        for (int s = 0; s < 2; s++) {
            try (Connection c = connect(node(s)); Statement st = c.createStatement()) {
                st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE"
                        + " 'skyriff_rs_%' AND NOT active AND database = current_database()");
            } catch (SQLException e) {
                System.err.println("cleanup of shard" + s + ": " + e.getMessage());
            }
        }
    }
}
