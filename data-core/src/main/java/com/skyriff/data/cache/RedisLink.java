package com.skyriff.data.cache;

import com.skyriff.data.SkyriffDataException;
import com.skyriff.data.rules.CacheSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.redisson.Redisson;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.BaseConfig;
import org.redisson.config.Config;
import org.redisson.config.DelayStrategy;
import org.redisson.config.ReadMode;
import org.redisson.connection.ConnectionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Redisson client of a {@link SkyriffCache}, behind a circuit breaker. Every Redis call goes through here:
 * a failure is counted and turned into {@link #UNAVAILABLE} so the caller falls back to the database; after
 * {@code failure-threshold} failures in a row the breaker opens, callers stop touching Redis, and a background task
 * probes Redis every {@code open-ms}, replays the invalidations that could not be delivered, and closes the breaker.
 * Thread-safe.
 *
 * <p>Values in Redis carry a one-byte header: {@code V} + codec bytes (a value), {@code N} (the row does not exist),
 * {@code L} + token (a load lease: someone is loading this key).
 */
final class RedisLink implements AutoCloseable {
    static final byte VALUE = 'V';
    static final byte ABSENT = 'N';
    static final byte LEASE = 'L';
    static final byte ACQUIRED = 'A';
    /** Missed invalidations remembered per cache before an entity falls back to a flush of its key space. */
    static final int MAX_MISSED = 100_000;
    private static final int BATCH = 500;

    /** The value (or lease) if the key has one; otherwise takes the lease and answers 'A'. */
    static final String GET_OR_LEASE = "local v = redis.call('GET', KEYS[1]) if v then return v end "
            + "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 'A'";
    /** Writes the loaded value only if the caller's lease is still the key's content (no invalidation since). */
    static final String PUT_IF_LEASED = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end return 0";
    static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 1";
    /** Deletes value or lease, then tells the near caches (the message is sent after the delete). */
    static final String INVALIDATE = "redis.call('DEL', KEYS[1]) "
            + "if ARGV[1] ~= '' then redis.call('PUBLISH', ARGV[1], KEYS[1]) end return 1";
    static final byte[] NO_CHANNEL = new byte[0];

    private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
    private static final BatchOptions BATCH_OPTIONS = BatchOptions.defaults();

    /** Redis could not serve the call; the caller falls back to the database. Preallocated, no stack trace. */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private Unavailable() {
            super("redis unavailable", null, false, false);
        }
    }

    static final Unavailable UNAVAILABLE = new Unavailable();

    /** What entity caches need to hear from the link. */
    interface Listener {
        /** A client exists now (at startup, or later when Redis was down at startup). */
        void onConnected(RedissonClient client);

        /** The breaker opened: stop trusting anything that depends on Redis (the near cache). */
        void onOpened();

        /** Redis is back and every missed invalidation was replayed; the breaker is about to close. */
        void onRecovered();

        /** A connection to a Redis node dropped: pub/sub messages may be lost until it is back. */
        void onDisconnected();

        /** A connection to a Redis node is back (after a drop). */
        void onReconnected();
    }

    /** One remembered invalidation; compared by identity so a newer record of the same key is never lost. */
    private static final class Missed {
        final byte[] channel;

        Missed(byte[] channel) {
            this.channel = channel;
        }
    }

    private final CacheSpec spec;
    private final String name;
    private final ScheduledExecutorService background;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Missed> missed = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Missed> flushPrefixes = new ConcurrentHashMap<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Counter redisErrors;
    private final Counter breakerOpened;
    private volatile RedissonClient client;
    private volatile BreakerState state = BreakerState.OPEN;
    private volatile long openedAtNanos = System.nanoTime();
    private volatile boolean closed;

    private RedisLink(CacheSpec spec, MeterRegistry registry) {
        this.spec = spec;
        this.name = "cache " + spec.namespace();
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "skyriff-cache-" + spec.namespace() + "-recovery");
            t.setDaemon(true);
            return t;
        });
        Tags tags = Tags.of("cache", spec.namespace());
        this.redisErrors = CacheMetrics.counter(registry, "skyriff.cache.errors", tags.and("kind", "redis", "entity", "*"));
        this.breakerOpened = CacheMetrics.counter(registry, "skyriff.cache.breaker.opened", tags);
        if (registry != null) {
            Gauge.builder("skyriff.cache.breaker.state", this, l -> l.state.ordinal()).tags(tags)
                    .description("0 closed, 1 open, 2 half-open").register(registry);
        }
    }

    /**
     * Connects to Redis. If it cannot be reached, fails when the cache is required and otherwise starts with the
     * breaker open (the cache bypassed) and keeps trying in the background.
     */
    static RedisLink start(CacheSpec spec, MeterRegistry registry) {
        RedisLink link = new RedisLink(spec, registry);
        try {
            link.client = link.connect();
            link.state = BreakerState.CLOSED;
        } catch (RuntimeException e) {
            if (spec.required()) {
                link.close();
                throw new SkyriffDataException(redisKey(spec) + ": Redis at " + spec.describeRedis() + " cannot be reached"
                        + " and cache.required is true (" + rootMessage(e) + ")", e);
            }
            LOG.warn("{} - Redis at {} cannot be reached ({}); starting with the cache bypassed, retrying every {} ms",
                    link.name, spec.describeRedis(), rootMessage(e), spec.openMs());
            link.scheduleRecovery();
        }
        return link;
    }

    /** The rules key that says where Redis is, for messages. */
    static String redisKey(CacheSpec spec) {
        return spec.mode() == CacheSpec.RedisMode.SINGLE ? "cache.redis.address" : "cache.redis.nodes";
    }

    BreakerState state() {
        return state;
    }

    /** Whether callers may use Redis now; one volatile read. */
    boolean allows() {
        return state == BreakerState.CLOSED;
    }

    void addListener(Listener l) {
        listeners.add(l);
        RedissonClient c = client;
        if (c != null) {
            l.onConnected(c);
        }
    }

    void removeListener(Listener l) {
        listeners.remove(l);
    }

    RedissonClient client() {
        return client;
    }

    // ---- calls: each counts a success or a failure and throws UNAVAILABLE on failure ----

    byte[] get(String key) {
        try {
            byte[] v = client.<byte[]>getBucket(key, ByteArrayCodec.INSTANCE).get();
            succeeded();
            return v;
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    byte[] getOrLease(String key, byte[] lease, long leaseMs) {
        try {
            byte[] v = script().eval(key, RScript.Mode.READ_WRITE, GET_OR_LEASE, RScript.ReturnType.VALUE,
                    List.of(key), lease, ascii(leaseMs));
            succeeded();
            return v;
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    /** Whether the value was written (false: the lease was lost to an invalidation or expiry). */
    boolean putIfLeased(String key, byte[] lease, byte[] value, long ttlMs) {
        try {
            Long written = script().eval(key, RScript.Mode.READ_WRITE, PUT_IF_LEASED, RScript.ReturnType.INTEGER,
                    List.of(key), lease, value, ascii(ttlMs));
            succeeded();
            return written != null && written == 1L;
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    void release(String key, byte[] lease) {
        try {
            script().eval(key, RScript.Mode.READ_WRITE, RELEASE, RScript.ReturnType.INTEGER, List.of(key), lease);
            succeeded();
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    void invalidate(String key, byte[] channel) {
        try {
            script().eval(key, RScript.Mode.READ_WRITE, INVALIDATE, RScript.ReturnType.INTEGER, List.of(key), channel);
            succeeded();
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    /** GET of every key in one pipelined round trip (per node in a cluster). */
    List<byte[]> getMany(List<String> keys) {
        try {
            RBatch batch = client.createBatch(BATCH_OPTIONS);
            List<RFuture<byte[]>> futures = new ArrayList<>(keys.size());
            for (String k : keys) {
                futures.add(batch.<byte[]>getBucket(k, ByteArrayCodec.INSTANCE).getAsync());
            }
            batch.execute();
            succeeded();
            return results(futures);
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    List<byte[]> getOrLeaseMany(List<String> keys, byte[] lease, long leaseMs) {
        byte[] ms = ascii(leaseMs);
        return evalMany(keys, GET_OR_LEASE, RScript.ReturnType.VALUE, i -> new Object[] {lease, ms});
    }

    List<Long> putIfLeasedMany(List<String> keys, byte[] lease, List<byte[]> values, long[] ttlMs) {
        return evalMany(keys, PUT_IF_LEASED, RScript.ReturnType.INTEGER,
                i -> new Object[] {lease, values.get(i), ascii(ttlMs[i])});
    }

    void releaseMany(List<String> keys, byte[] lease) {
        evalMany(keys, RELEASE, RScript.ReturnType.INTEGER, i -> new Object[] {lease});
    }

    void invalidateMany(List<String> keys, byte[] channel) {
        evalMany(keys, INVALIDATE, RScript.ReturnType.INTEGER, i -> new Object[] {channel});
    }

    private <R> List<R> evalMany(List<String> keys, String lua, RScript.ReturnType type,
                                 java.util.function.IntFunction<Object[]> args) {
        try {
            RBatch batch = client.createBatch(BATCH_OPTIONS);
            RScriptAsyncView view = new RScriptAsyncView(batch);
            List<RFuture<R>> futures = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                futures.add(view.eval(keys.get(i), lua, type, args.apply(i)));
            }
            batch.execute();
            succeeded();
            return results(futures);
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    /** The batch's script view, typed once. */
    private static final class RScriptAsyncView {
        private final org.redisson.api.RScriptAsync script;

        RScriptAsyncView(RBatch batch) {
            this.script = batch.getScript(ByteArrayCodec.INSTANCE);
        }

        <R> RFuture<R> eval(String key, String lua, RScript.ReturnType type, Object[] args) {
            return script.evalAsync(key, RScript.Mode.READ_WRITE, lua, type, List.of(key), args);
        }
    }

    private static <R> List<R> results(List<RFuture<R>> futures) {
        List<R> out = new ArrayList<>(futures.size());
        for (RFuture<R> f : futures) {
            out.add(f.toCompletableFuture().join());
        }
        return out;
    }

    private RScript script() {
        return client.getScript(ByteArrayCodec.INSTANCE);
    }

    static byte[] ascii(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    // ---- missed invalidations ----

    /**
     * Remembers an invalidation Redis did not receive, to replay when it is reachable again. Beyond
     * {@link #MAX_MISSED} keys the entity's whole key space ({@code prefix*}) is flushed instead.
     */
    void recordMissed(String key, String prefix, byte[] channel) {
        if (missed.size() < MAX_MISSED || missed.containsKey(key)) {
            missed.put(key, new Missed(channel));
        } else {
            flushPrefixes.put(prefix, new Missed(channel));
        }
        if (allows()) {
            drainSoon();
        }
    }

    int missedCount() {
        return missed.size() + flushPrefixes.size();
    }

    private void drainSoon() {
        if (closed || !drainScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            background.execute(this::drainWhileClosed);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void drainWhileClosed() {
        drainScheduled.set(false);
        if (!allows() || missedCount() == 0) {
            return;
        }
        try {
            replayMissed(client);
            succeeded();
        } catch (RuntimeException e) {
            failed(e);
            if (!closed && allows() && drainScheduled.compareAndSet(false, true)) {
                try {
                    background.schedule(this::drainWhileClosed, Math.min(500, spec.openMs()), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException ignored) {
                    // closed meanwhile
                }
            }
        }
    }

    private int replayMissed(RedissonClient c) {
        int n = 0;
        for (Map.Entry<String, Missed> e : flushPrefixes.entrySet()) {
            long deleted = c.getKeys().deleteByPattern(e.getKey() + "*");
            if (e.getValue().channel.length > 0) {
                c.getTopic(new String(e.getValue().channel, StandardCharsets.UTF_8), StringCodec.INSTANCE).publish("*");
            }
            flushPrefixes.remove(e.getKey(), e.getValue());
            LOG.warn("{} - more than {} invalidations were missed while Redis was unreachable; flushed {} keys of {}*",
                    name, MAX_MISSED, deleted, e.getKey());
            n += (int) deleted;
        }
        while (!missed.isEmpty()) {
            List<Map.Entry<String, Missed>> chunk = new ArrayList<>(BATCH);
            for (Map.Entry<String, Missed> e : missed.entrySet()) {
                chunk.add(Map.entry(e.getKey(), e.getValue()));
                if (chunk.size() == BATCH) {
                    break;
                }
            }
            RBatch batch = c.createBatch(BATCH_OPTIONS);
            RScriptAsyncView view = new RScriptAsyncView(batch);
            for (Map.Entry<String, Missed> e : chunk) {
                view.eval(e.getKey(), INVALIDATE, RScript.ReturnType.INTEGER, new Object[] {e.getValue().channel});
            }
            batch.execute();
            for (Map.Entry<String, Missed> e : chunk) {
                missed.remove(e.getKey(), e.getValue());
            }
            n += chunk.size();
        }
        return n;
    }

    // ---- breaker ----

    private void succeeded() {
        if (failures.get() != 0) {
            failures.set(0);
        }
    }

    private Unavailable failed(RuntimeException e) {
        redisErrors.increment();
        if (failures.incrementAndGet() >= spec.failureThreshold()) {
            open(e);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("{} - Redis call failed: {}", name, e.toString());
        }
        return UNAVAILABLE;
    }

    private void open(RuntimeException cause) {
        synchronized (this) {
            if (state != BreakerState.CLOSED || closed) {
                return;
            }
            state = BreakerState.OPEN;
            openedAtNanos = System.nanoTime();
        }
        breakerOpened.increment();
        LOG.warn("{} - Redis at {} failed {} times in a row; bypassing the cache, probing every {} ms (last error: {})",
                name, spec.describeRedis(), spec.failureThreshold(), spec.openMs(), rootMessage(cause));
        for (Listener l : listeners) {
            l.onOpened();
        }
        scheduleRecovery();
    }

    private void scheduleRecovery() {
        if (!closed) {
            try {
                background.schedule(this::recover, spec.openMs(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closed meanwhile
            }
        }
    }

    private void recover() {
        if (closed) {
            return;
        }
        state = BreakerState.HALF_OPEN;
        try {
            RedissonClient c = client;
            if (c == null) {
                c = connect();
                client = c;
                for (Listener l : listeners) {
                    l.onConnected(c);
                }
            }
            probe(c);
            int replayed = replayMissed(c);
            for (Listener l : listeners) {
                l.onRecovered();
            }
            failures.set(0);
            state = BreakerState.CLOSED;
            LOG.info("{} - Redis at {} answers again after {} ms; replayed {} missed invalidations, cache back on",
                    name, spec.describeRedis(), (System.nanoTime() - openedAtNanos) / 1_000_000, replayed);
            if (missedCount() > 0) {
                drainSoon();
            }
        } catch (RuntimeException e) {
            state = BreakerState.OPEN;
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} - Redis at {} still unreachable: {}", name, spec.describeRedis(), rootMessage(e));
            }
            scheduleRecovery();
        }
    }

    /** PING every node, then one real command through the command pool (it may still be reconnecting). */
    private void probe(RedissonClient c) {
        long t = spec.timeoutMs();
        boolean ok = switch (spec.mode()) {
            case SINGLE -> c.getRedisNodes(RedisNodes.SINGLE).pingAll(t, TimeUnit.MILLISECONDS);
            case SENTINEL -> c.getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE).pingAll(t, TimeUnit.MILLISECONDS);
            case CLUSTER -> c.getRedisNodes(RedisNodes.CLUSTER).pingAll(t, TimeUnit.MILLISECONDS);
        };
        if (!ok) {
            throw new IllegalStateException("PING failed");
        }
        c.getBucket(spec.namespace() + ":~probe", ByteArrayCodec.INSTANCE).isExists();
    }

    private RedissonClient connect() {
        Config cfg = new Config();
        cfg.setCodec(ByteArrayCodec.INSTANCE);
        cfg.setNettyThreads(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
        cfg.setThreads(2);
        cfg.setUseScriptCache(true);
        cfg.setConnectionListener(new ConnectionListener() {
            @Override
            @Deprecated
            public void onConnect(InetSocketAddress addr) {
                for (Listener l : listeners) {
                    l.onReconnected();
                }
            }

            @Override
            @Deprecated
            public void onDisconnect(InetSocketAddress addr) {
                for (Listener l : listeners) {
                    l.onDisconnected();
                }
            }
        });
        switch (spec.mode()) {
            case SINGLE -> common(cfg.useSingleServer().setAddress(spec.address()).setDatabase(spec.database())
                    .setConnectionMinimumIdleSize(1).setConnectionPoolSize(32)
                    .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(8));
            case SENTINEL -> common(cfg.useSentinelServers().setMasterName(spec.masterName())
                    .addSentinelAddress(spec.nodes().toArray(String[]::new)).setDatabase(spec.database())
                    .setCheckSentinelsList(false).setReadMode(ReadMode.MASTER)
                    .setMasterConnectionMinimumIdleSize(1).setMasterConnectionPoolSize(32)
                    .setSlaveConnectionMinimumIdleSize(0).setSubscriptionConnectionMinimumIdleSize(1));
            case CLUSTER -> common(cfg.useClusterServers().addNodeAddress(spec.nodes().toArray(String[]::new))
                    .setReadMode(ReadMode.MASTER).setScanInterval(1_000)
                    .setMasterConnectionMinimumIdleSize(1).setMasterConnectionPoolSize(32)
                    .setSlaveConnectionMinimumIdleSize(0).setSubscriptionConnectionMinimumIdleSize(1));
        }
        return Redisson.create(cfg);
    }

    private void common(BaseConfig<?> c) {
        c.setTimeout(spec.timeoutMs());
        c.setConnectTimeout(spec.connectTimeoutMs());
        c.setRetryAttempts(0);
        c.setReconnectionDelay(new Backoff(50, Math.max(100, spec.openMs())));
        c.setClientName("skyriff-cache-" + spec.namespace());
        if (spec.username() != null) {
            c.setUsername(spec.username());
        }
        if (!spec.password().isEmpty()) {
            c.setPassword(spec.password().reveal());
        }
    }

    @Override
    public void close() {
        closed = true;
        background.shutdownNow();
        RedissonClient c = client;
        if (c != null) {
            c.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /**
     * Exponential reconnection delay with equal jitter, capped. Redisson's own {@code EqualJitterDelay} computes
     * {@code base << attempt}, which overflows after 63 attempts and then throws inside the connection watchdog,
     * which stops reconnecting for good; a long outage must not do that.
     */
    static final class Backoff implements DelayStrategy {
        private final long baseMs;
        private final long maxMs;

        Backoff(long baseMs, long maxMs) {
            this.baseMs = baseMs;
            this.maxMs = maxMs;
        }

        @Override
        public Duration calcDelay(int attempt) {
            long exp = Math.min(maxMs, baseMs << Math.min(Math.max(attempt, 0), 20));
            long half = exp / 2;
            return Duration.ofMillis(half + (half == 0 ? 0 : java.util.concurrent.ThreadLocalRandom.current().nextLong(half + 1)));
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        String last = e.toString();
        for (int i = 0; t != null && i < 8; i++) {
            if (t.getMessage() != null) {
                last = t.getMessage();
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return last;
    }
}
