package com.skyriff.data.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * The local test topology: sharded PostgreSQL (each shard a primary plus streaming standbys) and optionally Redis,
 * all real servers on free loopback ports, started as local processes (or, where no PostgreSQL binaries exist but
 * Docker does, as containers without standbys). Thread-safe.
 *
 * <p>Every server accepts superuser {@code skyriff} / {@code skyriff-secret} over TCP with scram-sha-256; database
 * {@code skyriff} exists on every shard. Data directories live under {@code skyriff.testkit.dir} (surefire:
 * {@code target/topology}); a topology's directory is trimmed to its logs on close and deleted by the next run.
 *
 * <pre>{@code
 * try (LocalTopology topology = LocalTopology.builder().shards(2).replicasPerShard(2).redis(true).build()) {
 *     TestDatabase db = topology.createDatabase("fault_test");
 *     String url = db.shards().get(0).replicas().get(1).jdbcUrl();
 * }
 * }</pre>
 */
public final class LocalTopology implements AutoCloseable {
    /** Environment variable forcing how servers run: {@code process} or {@code containers}. */
    static final String MODE_ENV = "SKYRIFF_TOPOLOGY";
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Set<String> RESERVED = Set.of(PgServer.DATABASE, "postgres", "template0", "template1");
    private static final Duration REPLICATION_TIMEOUT = Duration.ofSeconds(60);
    private static final Object SHARED_LOCK = new Object();
    private static LocalTopology shared;
    private static RuntimeException sharedFailure;

    enum Mode {
        PROCESS, CONTAINERS;

        static String choices() {
            return Arrays.stream(values()).map(m -> m.name().toLowerCase(Locale.ROOT)).toList().toString();
        }
    }

    private final String description;
    private final Workspace workspace;
    private final List<ShardControl> controls;
    private final List<PgShard> shards;
    private final RedisControl redis;
    private final boolean isShared;
    private final Set<String> databases = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stopped = new AtomicBoolean();

    private LocalTopology(String description, Workspace workspace, List<ShardControl> controls, RedisControl redis,
                          boolean isShared) {
        this.description = description;
        this.workspace = workspace;
        this.controls = List.copyOf(controls);
        this.shards = this.controls.stream().map(c -> new PgShard(c, PgServer.DATABASE)).toList();
        this.redis = redis;
        this.isShared = isShared;
    }

    /** A builder; defaults are those of {@link #shared()}: 2 shards, 1 replica per shard, Redis. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The one topology of this JVM: 2 shards x (1 primary + 1 replica) + Redis, started on first call and stopped by a
     * JVM shutdown hook. If it fails to start, every later call fails at once with the first failure as cause.
     */
    public static LocalTopology shared() {
        synchronized (SHARED_LOCK) {
            if (shared != null) {
                return shared;
            }
            if (sharedFailure != null) {
                throw new IllegalStateException("LocalTopology.shared: the shared topology failed to start earlier in this"
                        + " JVM: " + sharedFailure.getMessage(), sharedFailure);
            }
            try {
                shared = start(new Builder(), true);
                return shared;
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
        }
    }

    /** The shards in order {@code shard0, shard1, ...}; their nodes point at database {@code skyriff}. */
    public List<PgShard> shards() {
        return shards;
    }

    /** The Redis server; {@link IllegalStateException} if the topology was built without Redis. */
    public RedisNode redis() {
        if (redis == null) {
            throw new IllegalStateException("LocalTopology.redis: this topology was built without Redis;"
                    + " use LocalTopology.builder().redis(true)");
        }
        return redis.node();
    }

    /**
     * {@code CREATE DATABASE name} on every shard primary, then waits until every running standby has it through
     * replication. Use one database per test class so tests never see each other's rows.
     *
     * @param name a lower-case SQL identifier not used before in this topology
     * @return a view whose shards' nodes point at the new database
     */
    public TestDatabase createDatabase(String name) {
        checkOpen("createDatabase");
        if (name == null || !DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("createDatabase: name must be a lower-case SQL identifier"
                    + " ([a-z_][a-z0-9_]*, at most 63 characters); was " + (name == null ? "null" : "'" + name + "'"));
        }
        if (RESERVED.contains(name) || !databases.add(name)) {
            throw new IllegalArgumentException("createDatabase: name already exists in this topology; was '" + name
                    + "', expected a name not used before (one database per test class)");
        }
        long start = System.nanoTime();
        try {
            for (ShardControl control : controls) {
                Jdbc.execute(control.primaryNode(), "CREATE DATABASE " + name);
            }
            for (ShardControl control : controls) {
                List<PgNode> replicas = control.replicaNodes();
                for (int i = 0; i < replicas.size(); i++) {
                    if (control.replicaRunning(i)) {
                        Jdbc.awaitReady(replicas.get(i).withDatabase(name), REPLICATION_TIMEOUT);
                    }
                }
            }
        } catch (RuntimeException e) {
            databases.remove(name);
            throw e;
        }
        Log.info("database " + name + " created on " + controls.size() + " shards (" + Log.since(start) + ")");
        return new TestDatabase(name, shards.stream().map(s -> s.withDatabase(name)).toList());
    }

    /**
     * Stops every server this topology started; idempotent. The {@link #shared()} topology refuses: the JVM shutdown
     * hook stops it.
     */
    @Override
    public void close() {
        if (isShared) {
            throw new IllegalStateException("LocalTopology.close: the shared() topology is stopped by a JVM shutdown"
                    + " hook; close only topologies from builder()");
        }
        stop();
    }

    @Override
    public String toString() {
        return "LocalTopology[" + description + (stopped.get() ? ", stopped" : "") + ", shards=" + shards
                + (redis == null ? "" : ", redis=" + redis.node().uri()) + "]";
    }

    private void checkOpen(String operation) {
        if (stopped.get()) {
            throw new IllegalStateException("LocalTopology." + operation + ": the topology is closed");
        }
    }

    /** Stops everything (shards in parallel); used by close() and the shutdown hook. */
    void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        Registry.unregister(this);
        List<RuntimeException> failures = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (ShardControl control : controls) {
            threads.add(stopInThread(control::close, failures));
        }
        if (redis != null) {
            threads.add(stopInThread(redis::close, failures));
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (workspace != null) {
            workspace.release(false);
        }
        Log.info("stopped " + description + " (" + Log.since(start) + ")");
        if (!failures.isEmpty()) {
            TopologyException failure = new TopologyException("LocalTopology.close: " + failures.size()
                    + " server(s) did not stop cleanly: " + failures.get(0).getMessage(), failures.get(0));
            failures.stream().skip(1).forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private static Thread stopInThread(Runnable stopper, List<RuntimeException> failures) {
        Thread thread = new Thread(() -> {
            try {
                stopper.run();
            } catch (RuntimeException e) {
                synchronized (failures) {
                    failures.add(e);
                }
            }
        }, "skyriff-topology-stop");
        thread.start();
        return thread;
    }

    private static LocalTopology start(Builder builder, boolean isShared) {
        Mode mode = builder.binaries != null ? Mode.PROCESS : chooseMode();
        LocalTopology topology = mode == Mode.PROCESS ? startProcesses(builder, isShared)
                : startContainers(builder, isShared);
        Registry.register(topology, topology::stop);
        return topology;
    }

    private static Mode chooseMode() {
        String forced = System.getenv(MODE_ENV);
        if (forced != null && !forced.isBlank()) {
            try {
                return Mode.valueOf(forced.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(MODE_ENV + " must be one of " + Mode.choices() + "; was '" + forced
                        + "'", e);
            }
        }
        // Processes first: faster, they have streaming standbys, and they never need Docker.
        if (PgBinaries.available()) {
            return Mode.PROCESS;
        }
        if (ContainerTopology.dockerAvailable()) {
            return Mode.CONTAINERS;
        }
        throw new TopologyException("LocalTopology: no PostgreSQL binaries (" + PgBinaries.ENV + ", pg_config,"
                + " /usr/lib/postgresql/*/bin, io.zonky.test bundle for " + System.getProperty("os.name") + "/"
                + System.getProperty("os.arch") + ") and no Docker engine");
    }

    private static String describe(Builder b) {
        return b.shards + (b.shards == 1 ? " shard" : " shards") + " x (1 primary + " + b.replicasPerShard
                + (b.replicasPerShard == 1 ? " replica)" : " replicas)") + (b.redis ? " + Redis" : "");
    }

    private static LocalTopology startProcesses(Builder b, boolean isShared) {
        long start = System.nanoTime();
        ServerUser user = ServerUser.get();
        Workspace workspace = Workspace.create(b.baseDir, "t", user);
        List<ShardControl> controls = new ArrayList<>();
        RedisServerProcess redis = null;
        ExecutorService pool = Executors.newFixedThreadPool(b.shards + 1, runnable -> {
            Thread thread = new Thread(runnable, "skyriff-topology-start");
            thread.setDaemon(true);
            return thread;
        });
        RuntimeException failure = null;
        try {
            PgBinaries bin = b.binaries != null ? b.binaries : PgBinaries.resolve(workspace.root());
            Log.info("starting " + describe(b) + " in " + workspace.dir() + "; " + bin.describe() + "; servers run as "
                    + user.describe());
            Path passwordFile = writePasswordFile(workspace, user);
            List<Future<ProcessShard>> shardFutures = new ArrayList<>();
            for (int i = 0; i < b.shards; i++) {
                int index = i;
                shardFutures.add(pool.submit(() -> ProcessShard.start(index, b.replicasPerShard, workspace, bin, user,
                        passwordFile)));
            }
            Future<RedisServerProcess> redisFuture = b.redis ? pool.submit(() -> startRedis(workspace)) : null;
            for (Future<ProcessShard> future : shardFutures) {
                try {
                    controls.add(future.get());
                } catch (ExecutionException e) {
                    failure = merge(failure, e.getCause());
                }
            }
            if (redisFuture != null) {
                try {
                    redis = redisFuture.get();
                } catch (ExecutionException e) {
                    failure = merge(failure, e.getCause());
                }
            }
            Files.deleteIfExists(passwordFile);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = merge(failure, e);
        } catch (IOException | RuntimeException e) {
            failure = merge(failure, e);
        } finally {
            pool.shutdownNow();
        }
        if (failure != null) {
            for (ShardControl control : controls) {
                try {
                    control.close();
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                }
            }
            if (redis != null) {
                redis.close();
            }
            workspace.release(false);
            throw failure instanceof TopologyException || failure instanceof IllegalArgumentException
                    || failure instanceof IllegalStateException ? failure
                    : new TopologyException("LocalTopology: could not start " + describe(b) + ": " + failure, failure);
        }
        LocalTopology topology = new LocalTopology(describe(b) + " in " + workspace.dir(), workspace, controls, redis,
                isShared);
        Log.info("ready: " + describe(b) + " in " + Log.since(start));
        return topology;
    }

    private static RedisServerProcess startRedis(Workspace workspace) {
        long start = System.nanoTime();
        Path nodeDir = workspace.nodeDir("redis");
        Path binary = RedisServerProcess.serverBinary(nodeDir.resolve("bin"));
        RedisServerProcess redis = new RedisServerProcess("redis", nodeDir, binary, false, port -> List.of());
        redis.startFirst();
        Log.info("redis up on 127.0.0.1:" + redis.port() + " (" + binary + ", " + Log.since(start) + ")");
        return redis;
    }

    private static Path writePasswordFile(Workspace workspace, ServerUser user) throws IOException {
        Path file = workspace.dir().resolve("initdb-password");
        Files.writeString(file, PgServer.PASSWORD + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        user.own(file);
        return file;
    }

    private static RuntimeException merge(RuntimeException first, Throwable next) {
        RuntimeException runtime = next instanceof RuntimeException r ? r
                : new TopologyException("LocalTopology: start failed: " + next, next);
        if (first == null) {
            return runtime;
        }
        first.addSuppressed(runtime);
        return first;
    }

    private static LocalTopology startContainers(Builder b, boolean isShared) {
        if (b.replicasPerShard > 0) {
            throw new IllegalStateException("LocalTopology: replicasPerShard is not supported on the containers"
                    + " topology; was " + b.replicasPerShard + ", expected 0 (streaming standbys need local PostgreSQL"
                    + " binaries: install PostgreSQL, set " + PgBinaries.ENV + ", or " + MODE_ENV + "=process)");
        }
        if (!ContainerTopology.dockerAvailable()) {
            throw new IllegalStateException("LocalTopology: " + MODE_ENV + "=containers but no Docker engine is"
                    + " reachable; start one or use " + MODE_ENV + "=process");
        }
        long start = System.nanoTime();
        List<ShardControl> controls = new ArrayList<>();
        RedisControl redis = null;
        try {
            for (int i = 0; i < b.shards; i++) {
                controls.add(ContainerTopology.startShard("shard" + i));
            }
            if (b.redis) {
                redis = ContainerTopology.startRedis();
            }
        } catch (RuntimeException e) {
            controls.forEach(ShardControl::close);
            if (redis != null) {
                redis.close();
            }
            throw e;
        }
        Log.info("ready: " + describe(b) + " in containers in " + Log.since(start));
        return new LocalTopology(describe(b) + " in containers", null, controls, redis, isShared);
    }

    /** Builds and starts a {@link LocalTopology}; checks each value when it is set. Not thread-safe. */
    public static final class Builder {
        private int shards = 2;
        private int replicasPerShard = 1;
        private boolean redis = true;
        private Path baseDir;
        private PgBinaries binaries;

        private Builder() {
        }

        /** Number of shards, at least 1 (default 2). */
        public Builder shards(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("LocalTopology.Builder: shards must be at least 1; was " + n);
            }
            this.shards = n;
            return this;
        }

        /** Streaming standbys per shard, at least 0 (default 1). */
        public Builder replicasPerShard(int r) {
            if (r < 0) {
                throw new IllegalArgumentException("LocalTopology.Builder: replicasPerShard must be at least 0; was "
                        + r);
            }
            this.replicasPerShard = r;
            return this;
        }

        /** Whether to start a Redis server (default true). */
        public Builder redis(boolean enabled) {
            this.redis = enabled;
            return this;
        }

        /** Parent of the topology's directory; default {@code -Dskyriff.testkit.dir}, else {@code target/topology}. */
        public Builder baseDir(Path dir) {
            this.baseDir = Objects.requireNonNull(dir, "LocalTopology.Builder: baseDir must not be null");
            return this;
        }

        /** Forces these PostgreSQL binaries (tests of the no-pg_basebackup path). */
        Builder binaries(PgBinaries bin) {
            this.binaries = Objects.requireNonNull(bin);
            return this;
        }

        /** Starts every server and waits until all standbys stream; stops what it started if anything fails. */
        public LocalTopology build() {
            return start(this, false);
        }
    }
}
