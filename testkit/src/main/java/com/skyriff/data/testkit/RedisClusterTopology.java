package com.skyriff.data.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real Redis Cluster of N masters (no replicas), each a local {@code redis-server} process in cluster mode on a free
 * loopback port, all 16384 slots assigned. Started on demand, never by {@link LocalTopology#shared()}; stopped by
 * {@link #close()} or at JVM exit. Thread-safe.
 */
public final class RedisClusterTopology implements AutoCloseable {
    private static final int SLOTS = 16_384;
    private static final Duration OK_TIMEOUT = Duration.ofSeconds(60);

    private final Workspace workspace;
    private final List<RedisServerProcess> nodes;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private RedisClusterTopology(Workspace workspace, List<RedisServerProcess> nodes) {
        this.workspace = workspace;
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Starts {@code masters} nodes, forms the cluster ({@code redis-cli --cluster create} when redis-cli exists and
     * there are at least 3 masters, else CLUSTER ADDSLOTS/MEET over the wire) and waits for {@code cluster_state:ok}
     * on every node.
     */
    public static RedisClusterTopology start(int masters) {
        return start(masters, null, true);
    }

    static RedisClusterTopology start(int masters, Path baseDir, boolean allowRedisCli) {
        if (masters < 1) {
            throw new IllegalArgumentException("RedisClusterTopology.start: masters must be at least 1; was " + masters);
        }
        long start = System.nanoTime();
        Workspace workspace = Workspace.create(baseDir, "c", ServerUser.get());
        Path binary = RedisServerProcess.serverBinary(workspace.nodeDir("bin").resolve("bin"));
        List<RedisServerProcess> nodes = new ArrayList<>();
        for (int i = 0; i < masters; i++) {
            Path nodeDir = workspace.nodeDir("node" + i);
            nodes.add(new RedisServerProcess("redis-cluster-node" + i, nodeDir, binary, true,
                    port -> List.of("--cluster-enabled", "yes",
                            "--cluster-config-file", nodeDir.resolve("nodes-" + port + ".conf").toString(),
                            "--cluster-node-timeout", "5000")));
        }
        RedisClusterTopology cluster = new RedisClusterTopology(workspace, nodes);
        Registry.register(cluster, cluster::stop);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(masters, 4), runnable -> {
            Thread thread = new Thread(runnable, "skyriff-redis-cluster-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> started = new ArrayList<>();
            for (RedisServerProcess node : nodes) {
                started.add(pool.submit(node::startFirst));
            }
            for (Future<?> future : started) {
                future.get();
            }
            Path cli = RedisServerProcess.cliBinary();
            if (allowRedisCli && cli != null && masters >= 3) {
                createWithRedisCli(cli, nodes);
            } else {
                createByHand(nodes);
            }
            cluster.awaitOk();
        } catch (ExecutionException e) {
            cluster.stopAfterFailure(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cluster.stopAfterFailure(e);
        } catch (RuntimeException e) {
            cluster.stopAfterFailure(e);
        } finally {
            pool.shutdownNow();
        }
        Log.info("redis cluster up: " + masters + " masters " + cluster.nodeUris() + " (" + Log.since(start) + ")");
        return cluster;
    }

    private static void createWithRedisCli(Path cli, List<RedisServerProcess> nodes) {
        List<String> command = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
        nodes.forEach(node -> command.add("127.0.0.1:" + node.port()));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Exec.check("redis cluster: redis-cli --cluster create", command, null, Duration.ofSeconds(60));
    }

    private static void createByHand(List<RedisServerProcess> nodes) {
        int masters = nodes.size();
        try {
            for (int i = 0; i < masters; i++) {
                int port = nodes.get(i).port();
                // Distinct epochs up front: no epoch collision to resolve once the nodes meet.
                Resp.call(port, "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
                int from = i * SLOTS / masters;
                int to = (i + 1) * SLOTS / masters;
                String[] args = new String[2 + to - from];
                args[0] = "CLUSTER";
                args[1] = "ADDSLOTS";
                for (int slot = from; slot < to; slot++) {
                    args[2 + slot - from] = Integer.toString(slot);
                }
                Resp.call(port, args);
            }
            for (int i = 1; i < masters; i++) {
                Resp.call(nodes.get(0).port(), "CLUSTER", "MEET", "127.0.0.1", Integer.toString(nodes.get(i).port()));
            }
        } catch (IOException e) {
            throw new TopologyException("redis cluster: forming the cluster by hand failed: " + e.getMessage(), e);
        }
    }

    private void awaitOk() {
        long deadline = System.nanoTime() + OK_TIMEOUT.toNanos();
        String lastInfo = "";
        while (true) {
            boolean allOk = true;
            for (RedisServerProcess node : nodes) {
                try {
                    lastInfo = String.valueOf(Resp.call(node.port(), "CLUSTER", "INFO"));
                } catch (IOException e) {
                    lastInfo = e.getMessage();
                }
                if (!lastInfo.contains("cluster_state:ok") || !lastInfo.contains("cluster_slots_assigned:" + SLOTS)
                        || !lastInfo.contains("cluster_known_nodes:" + nodes.size() + "\r")) {
                    allOk = false;
                    break;
                }
            }
            if (allOk) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TopologyException("redis cluster - no cluster_state:ok on all " + nodes.size() + " nodes after "
                        + OK_TIMEOUT.toMillis() + " ms; last CLUSTER INFO: " + lastInfo.lines().limit(7).toList());
            }
            Jdbc.sleep(50);
        }
    }

    /** {@code redis://127.0.0.1:<port>} of every master, in start order. */
    public List<String> nodeUris() {
        return nodes.stream().map(node -> node.node().uri()).toList();
    }

    /** Stops every node; idempotent. */
    @Override
    public void close() {
        stop();
    }

    private void stopAfterFailure(Throwable cause) {
        try {
            stop();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw new TopologyException("redis cluster: start failed: " + cause, cause);
    }

    private void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        Registry.unregister(this);
        RuntimeException failure = null;
        for (RedisServerProcess node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        workspace.release(false);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "RedisClusterTopology" + nodeUris();
    }
}
