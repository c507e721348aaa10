package com.skyriff.data.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Sentinel setup on free loopback ports: one master and one Sentinel (quorum 1) monitoring it under
 * {@link #MASTER_NAME}. Started on demand, stopped on {@link #close()} and on JVM exit. Thread-safe.
 */
public final class RedisSentinelTopology implements AutoCloseable {
    public static final String MASTER_NAME = "skyriff-master";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Workspace workspace;
    private final RedisServerProcess master;
    private final int sentinelPort;
    private Process sentinel;
    private boolean closed;

    private RedisSentinelTopology(Workspace workspace, RedisServerProcess master, int sentinelPort) {
        this.workspace = workspace;
        this.master = master;
        this.sentinelPort = sentinelPort;
    }

    public static RedisSentinelTopology start() {
        long start = System.nanoTime();
        Workspace workspace = Workspace.create(null, "c", ServerUser.get());
        Path binary = RedisServerProcess.serverBinary(workspace.nodeDir("bin").resolve("bin"));
        RedisServerProcess master = new RedisServerProcess("redis-sentinel-master", workspace.nodeDir("master"), binary,
                false, port -> List.of());
        RedisSentinelTopology topology = new RedisSentinelTopology(workspace, master, Ports.free());
        Registry.register(topology, topology::close);
        try {
            master.startFirst();
            topology.startSentinel(binary, workspace.nodeDir("sentinel"));
        } catch (RuntimeException e) {
            topology.close();
            throw e;
        }
        Log.info("redis sentinel up: master 127.0.0.1:" + master.port() + ", sentinel " + topology.sentinelUris()
                + " (" + Log.since(start) + ")");
        return topology;
    }

    private void startSentinel(Path binary, Path dir) {
        Path conf = dir.resolve("sentinel.conf");
        Path log = dir.resolve("sentinel.log");
        try {
            Files.createDirectories(dir);
            Files.writeString(conf, String.join("\n",
                    "port " + sentinelPort,
                    "bind 127.0.0.1",
                    "protected-mode no",
                    "daemonize no",
                    "dir " + dir,
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 1",
                    "sentinel down-after-milliseconds " + MASTER_NAME + " 5000",
                    ""));
            sentinel = new ProcessBuilder(binary.toString(), conf.toString(), "--sentinel").directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new TopologyException("redis sentinel - could not start " + binary + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!sentinel.isAlive()) {
                throw new TopologyException("redis sentinel exited with " + sentinel.exitValue() + ":\n"
                        + Exec.tail(log, 20));
            }
            try {
                Object addr = Resp.call(sentinelPort, "SENTINEL", "get-master-addr-by-name", MASTER_NAME);
                if (String.valueOf(addr).contains(Integer.toString(master.port()))) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Jdbc.sleep(50);
        }
        throw new TopologyException("redis sentinel on 127.0.0.1:" + sentinelPort + " did not report master "
                + MASTER_NAME + " within " + READY_TIMEOUT.toMillis() + " ms:\n" + Exec.tail(log, 20));
    }

    /** The Sentinels' addresses, {@code redis://127.0.0.1:<port>}. */
    public List<String> sentinelUris() {
        return List.of("redis://127.0.0.1:" + sentinelPort);
    }

    public RedisNode master() {
        return master.node();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (sentinel != null) {
            sentinel.destroyForcibly();
            try {
                sentinel.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sentinel = null;
        }
        master.close();
        Registry.unregister(this);
        workspace.release(true);
    }
}
