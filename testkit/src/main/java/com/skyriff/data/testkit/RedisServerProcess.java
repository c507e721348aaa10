package com.skyriff.data.testkit;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import redis.embedded.core.ExecutableProvider;

/**
 * One local {@code redis-server} process (the machine's, else the one bundled in
 * {@code com.github.codemonstur:embedded-redis}), run in the foreground as a child of the JVM with no persistence.
 * It runs as the JVM's user: Redis, unlike PostgreSQL, accepts root. Restarts keep the port. Thread-safe.
 */
final class RedisServerProcess implements RedisControl {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Path nodeDir;
    private final Path binary;
    private final IntFunction<List<String>> extraArgs;
    private final boolean cluster;
    private final Path logFile;
    private volatile int port;
    private Process process;

    /** {@code extraArgs} gets the port, which changes if the first one is taken before Redis binds it. */
    RedisServerProcess(String name, Path nodeDir, Path binary, boolean cluster, IntFunction<List<String>> extraArgs) {
        this.name = name;
        this.nodeDir = nodeDir;
        this.binary = binary;
        this.cluster = cluster;
        this.port = cluster ? Ports.freeWithClusterBus() : Ports.free();
        this.extraArgs = extraArgs;
        this.logFile = nodeDir.resolve("redis.log");
    }

    /** {@code redis-server} from PATH or /usr/bin, else the embedded one copied into {@code extractDir}. */
    static Path serverBinary(Path extractDir) {
        Path installed = Exec.which("redis-server", "/usr/bin/redis-server", "/usr/local/bin/redis-server");
        return installed != null ? installed : embeddedServerBinary(extractDir);
    }

    /** The redis-server bundled in embedded-redis (6.2 on linux-amd64), copied into {@code extractDir}. */
    static Path embeddedServerBinary(Path extractDir) {
        try {
            Files.createDirectories(extractDir);
            File extracted = ExecutableProvider.newJarResourceProvider(extractDir::toFile).get();
            return extracted.toPath();
        } catch (IOException e) {
            throw new TopologyException("redis: no redis-server installed and the embedded one could not be extracted"
                    + " to " + extractDir + ": " + e.getMessage(), e);
        }
    }

    static Path cliBinary() {
        return Exec.which("redis-cli", "/usr/bin/redis-cli", "/usr/local/bin/redis-cli");
    }

    int port() {
        return port;
    }

    @Override
    public RedisNode node() {
        return new RedisNode("127.0.0.1", port);
    }

    /** First start: a port taken meanwhile is replaced by a fresh one; then the server is registered by port. */
    synchronized void startFirst() {
        for (int attempt = 1; ; attempt++) {
            try {
                launch();
                break;
            } catch (PortTakenException e) {
                if (attempt >= 5) {
                    throw new TopologyException(e.getMessage());
                }
                port = cluster ? Ports.freeWithClusterBus() : Ports.free();
            }
        }
        Registry.registerRedis(port, this);
    }

    @Override
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                launch();
                break;
            } catch (PortTakenException e) {
                if (attempt >= 10) {
                    throw new TopologyException(e.getMessage());
                }
                Jdbc.sleep(500);
            }
        }
        Log.info(name + " started again on 127.0.0.1:" + port + " (" + Log.since(start) + ")");
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--dir", nodeDir.toString()));
        command.addAll(extraArgs.apply(port));
        long logOffset = size(logFile);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(nodeDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            process = builder.start();
            Files.writeString(nodeDir.resolve("redis.pid"), process.pid() + "\n");
        } catch (IOException e) {
            throw new TopologyException(name + " - could not start " + binary + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String log = readFrom(logFile, logOffset);
                if (log.contains("Address already in use")) {
                    throw new PortTakenException(name + " - port " + port + " is taken: " + log.strip());
                }
                throw new TopologyException(name + " - redis-server exited with " + process.exitValue() + " on port "
                        + port + ":\n" + log.strip());
            }
            try {
                if ("PONG".equals(Resp.call(port, "PING"))) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            Jdbc.sleep(20);
        }
        stop();
        throw new TopologyException(name + " - no PONG on 127.0.0.1:" + port + " after " + READY_TIMEOUT.toMillis()
                + " ms: " + (last == null ? "" : last.getMessage()) + "\n" + Exec.tail(logFile, 20));
    }

    @Override
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy(); // SIGTERM: Redis shuts down (nothing to save)
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (process.isAlive()) {
            throw new TopologyException(name + " - redis-server pid " + process.pid() + " on port " + port
                    + " did not exit after SIGTERM and SIGKILL");
        }
        process = null;
        try {
            Files.deleteIfExists(nodeDir.resolve("redis.pid"));
        } catch (IOException ignored) {
            // a stale pid file is checked against the command line before anything is killed
        }
    }

    boolean running() {
        Process p = process;
        return p != null && p.isAlive();
    }

    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            Registry.unregisterRedis(port);
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String readFrom(Path file, long offset) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = Math.min(raf.length() - offset, 64 * 1024);
            if (length <= 0) {
                return "";
            }
            byte[] bytes = new byte[(int) length];
            raf.seek(offset);
            raf.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<could not read " + file + ">";
        }
    }

    /** The port was taken between asking the OS for it and binding it. */
    private static final class PortTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }
}
