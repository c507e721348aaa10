package com.skyriff.data.health;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.cache.EntityCache;
import com.skyriff.data.rules.Rules;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A mixed read/write workload for fault tests: each thread is a session that owns some users on every shard and, per
 * operation, inserts an event (an acknowledged write, kept for the loss check), sets its counter, reads the counter
 * back (read-your-writes check) and, with a cache, reads it through the cache. Every failure is kept with its time,
 * kind and shard. Bounded: stops after {@code maxOps} operations per thread or on {@link #stop()}.
 */
final class Workload implements AutoCloseable {
    /** One failed request. */
    record Failure(long atNanos, long tookNanos, String kind, String shard, Throwable error) {
        @Override
        public String toString() {
            return kind + " on " + shard + " after " + TimeUnit.NANOSECONDS.toMillis(tookNanos) + " ms: " + error;
        }
    }

    /** One session's view of what it wrote. */
    record Ack(long userId, long seq) {
    }

    private final SkyriffData data;
    private final Rules rules;
    private final EntityCache<Long, Long> cache;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Ack> acked = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> staleReads = new ConcurrentLinkedQueue<>();
    final Map<String, AtomicLong> okWrites = new ConcurrentHashMap<>();
    final AtomicLong okReads = new AtomicLong();
    final AtomicLong ownReadsFromReplica = new AtomicLong();
    final AtomicLong ops = new AtomicLong();
    volatile long lastOkReadNanos;

    Workload(SkyriffData data, EntityCache<Long, Long> cache, int threadCount, long firstUser, int maxOps) {
        this.data = data;
        this.rules = data.rules().orElseThrow();
        this.cache = cache;
        for (int t = 0; t < threadCount; t++) {
            List<Long> users = new ArrayList<>();
            for (var shard : rules.shards()) {
                long id = firstUser + t * 10_000L;
                for (int k = 0; k < 3; k++) {
                    while (!rules.buckets().shardOf(id).equals(shard.name())) {
                        id++;
                    }
                    users.add(id++);
                }
            }
            int thread = t;
            Thread th = new Thread(() -> run(thread, users, maxOps), "workload-" + t);
            th.setDaemon(true);
            threads.add(th);
        }
    }

    static void createSchema(Connection c) throws SQLException {
        try (var s = c.createStatement()) {
            s.execute("CREATE TABLE counters (user_id bigint PRIMARY KEY, v bigint NOT NULL);"
                    + "CREATE TABLE events (user_id bigint NOT NULL, seq bigint NOT NULL, PRIMARY KEY (user_id, seq))");
        }
    }

    Workload start() {
        threads.forEach(Thread::start);
        return this;
    }

    void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    long okWrites(String shard) {
        AtomicLong n = okWrites.get(shard);
        return n == null ? 0 : n.get();
    }

    List<Failure> failuresAfter(long nanos) {
        return failures.stream().filter(f -> f.atNanos() - nanos > 0).toList();
    }

    private void run(int thread, List<Long> users, int maxOps) {
        Map<Long, Long> lastWritten = new ConcurrentHashMap<>();
        for (long u : users) {
            try {
                exec("INSERT INTO counters (user_id, v) VALUES (?, 0) ON CONFLICT (user_id) DO NOTHING", u, null);
                lastWritten.put(u, 0L);
            } catch (SQLException e) {
                failures.add(new Failure(System.nanoTime(), 0, "setup", shard(u), e));
            }
        }
        for (int k = 1; k <= maxOps && running.get(); k++) {
            ops.incrementAndGet();
            long user = users.get(k % users.size());
            String shard = shard(user);
            long seq = (long) thread * 1_000_000_000L + k;
            long start = System.nanoTime();
            try {
                exec("INSERT INTO events (user_id, seq) VALUES (?, ?)", user, seq);
                acked.add(new Ack(user, seq));
                exec("UPDATE counters SET v = ? WHERE user_id = ?", user, seq);
                lastWritten.put(user, seq);
                okWrites.computeIfAbsent(shard, s -> new AtomicLong()).incrementAndGet();
                if (cache != null) {
                    cache.invalidateAfterCommit(user);
                }
            } catch (SQLException | RuntimeException e) {
                failures.add(new Failure(System.nanoTime(), System.nanoTime() - start, "write", shard, e));
            }
            readBack(user, lastWritten);
            if (k % 25 == 0 && running.get()) {
                // a pause, as a user between two requests: then this session reads all its rows without writing,
                // which read-your-writes may serve from replicas once they have replayed its writes
                sleep(1_500);
                for (long u : users) {
                    readBack(u, lastWritten);
                }
            }
            if (cache != null) {
                start = System.nanoTime();
                try {
                    if (cache.get(user, this::load) == null) {
                        throw new AssertionError("counter of user " + user + " read as absent");
                    }
                } catch (RuntimeException | AssertionError e) {
                    failures.add(new Failure(System.nanoTime(), System.nanoTime() - start, "cache", shard, e));
                }
            }
        }
    }

    /** Reads {@code user}'s counter; never older than this session's last write of it. */
    private void readBack(long user, Map<Long, Long> lastWritten) {
        long start = System.nanoTime();
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT v, pg_is_in_recovery() FROM counters WHERE user_id = ?")) {
            ps.setLong(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                long expected = lastWritten.getOrDefault(user, 0L);
                if (v < expected) {
                    staleReads.add("user " + user + " read " + v + " after writing " + expected
                            + (rs.getBoolean(2) ? " (replica)" : " (primary)"));
                }
                if (rs.getBoolean(2)) {
                    ownReadsFromReplica.incrementAndGet();
                }
            }
            okReads.incrementAndGet();
            lastOkReadNanos = System.nanoTime();
        } catch (SQLException | RuntimeException e) {
            failures.add(new Failure(System.nanoTime(), System.nanoTime() - start, "read", shard(user), e));
        }
    }

    private void sleep(long ms) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (running.get() && System.nanoTime() - until < 0) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Long load(Long user) throws SQLException {
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT v FROM counters WHERE user_id = ?")) {
            ps.setLong(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** Runs {@code sql} for {@code user} with {@code value}: UPDATE binds (value, user), INSERT (user, value). */
    private void exec(String sql, long user, Long value) throws SQLException {
        long a = user;
        Long b = value;
        try (Connection c = data.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (sql.startsWith("UPDATE")) {
                ps.setLong(1, b);
                ps.setLong(2, a);
            } else {
                ps.setLong(1, a);
                if (b != null) {
                    ps.setLong(2, b);
                }
            }
            ps.executeUpdate();
        }
    }

    String shard(long user) {
        return rules.buckets().shardOf(user);
    }
}
