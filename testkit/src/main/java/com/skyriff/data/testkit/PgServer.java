package com.skyriff.data.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One local PostgreSQL server: a data directory ({@code <node>/data}), a log ({@code <node>/postgres.log}) and a
 * port. Settings shared by a primary and its standbys live in the data directory's {@code postgresql.conf}; the port,
 * socket directory and cluster name are passed on the command line at every start, so a standby made by copying the
 * primary's data directory gets its own. Thread-safe: state changes are synchronized.
 */
final class PgServer {
    static final String SUPERUSER = "skyriff";
    static final String PASSWORD = "skyriff-secret";
    static final String DATABASE = "skyriff";
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._/+-]+");
    private static final int MAX_SOCKET_PATH = 100; // sun_path is 108 bytes; PostgreSQL appends /.s.PGSQL.<port>

    private final String name;
    private final Path nodeDir;
    private final Path dataDir;
    private final Path logFile;
    private final PgBinaries bin;
    private final ServerUser user;
    private final boolean primary;
    private volatile int port;
    private volatile boolean running;

    PgServer(String name, Path nodeDir, PgBinaries bin, ServerUser user, boolean primary) {
        this.name = name;
        this.nodeDir = nodeDir;
        this.dataDir = nodeDir.resolve("data");
        this.logFile = nodeDir.resolve("postgres.log");
        this.bin = bin;
        this.user = user;
        this.primary = primary;
        this.port = Ports.free();
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    boolean running() {
        return running;
    }

    Path dataDir() {
        return dataDir;
    }

    Path logFile() {
        return logFile;
    }

    PgNode node(String database) {
        return new PgNode(name, "127.0.0.1", port, database, SUPERUSER, PASSWORD, primary);
    }

    /** initdb with superuser {@code skyriff}; password auth over TCP, trust on our own Unix socket. */
    void initdb(Path passwordFile) {
        user.check(name + " initdb", List.of(bin.tool("initdb"), "-D", dataDir.toString(), "-U", SUPERUSER,
                "--pwfile=" + passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                "--no-locale", "-N"), nodeDir, TOOL_TIMEOUT);
    }

    /** Appends the test settings to postgresql.conf and replaces pg_hba.conf. Standbys inherit both. */
    void configurePrimary() {
        String walKeep = bin.major() >= 13 ? "wal_keep_size = 64MB" : "wal_keep_segments = 4";
        append(dataDir.resolve("postgresql.conf"), String.join("\n",
                "",
                "# --- skyriff testkit: TEST-ONLY settings (fsync=off loses data on an OS crash) ---",
                "listen_addresses = '127.0.0.1'",
                "max_connections = 200",
                "shared_buffers = 32MB",
                "# logical: skyriff reshard moves buckets with publications and subscriptions (each job needs one slot",
                "# per source/target pair plus the table-sync workers' temporary slots)",
                "wal_level = logical",
                "max_wal_senders = 20",
                "max_replication_slots = 20",
                "max_logical_replication_workers = 8",
                "max_worker_processes = 16",
                walKeep,
                "hot_standby = on",
                "hot_standby_feedback = on",
                "wal_receiver_status_interval = 1s",
                "wal_retrieve_retry_interval = 500ms",
                "fsync = off",
                "# synchronous_commit stays on: a committed transaction's WAL is written before the commit returns, so a",
                "# killed postmaster (fault tests stop primaries with -m immediate) loses no acknowledged write; fsync=off",
                "# only gives that up on an OS crash",
                "synchronous_commit = on",
                "wal_writer_delay = 10ms",
                "full_page_writes = off",
                "track_counts = on",
                "password_encryption = 'scram-sha-256'",
                "logging_collector = off",
                ""));
        write(dataDir.resolve("pg_hba.conf"), String.join("\n",
                "# skyriff testkit: password auth over TCP, replication trusted from loopback",
                "local   all          all                 trust",
                "host    replication  all   127.0.0.1/32  trust",
                "host    all          all   127.0.0.1/32  scram-sha-256",
                ""));
    }

    /** Makes this server a standby of {@code primaryPort} with pg_basebackup, creating replication slot {@code slot}. */
    void basebackup(int primaryPort, String slot) {
        user.check(name + " pg_basebackup", List.of(bin.tool("pg_basebackup"), "-h", "127.0.0.1",
                "-p", Integer.toString(primaryPort), "-U", SUPERUSER, "-D", dataDir.toString(), "-R", "-X", "stream",
                "-c", "fast", "-N", "-C", "-S", slot, "-w"), nodeDir, TOOL_TIMEOUT);
        configureStandby(primaryPort, slot);
    }

    /** Makes this server a standby by copying the cleanly stopped primary's data directory. */
    void copyFrom(PgServer stoppedPrimary, String slot) {
        Path source = stoppedPrimary.dataDir;
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path relative = source.relativize(path);
                String first = relative.getNameCount() > 0 ? relative.getName(0).toString() : "";
                if (relative.toString().equals("postmaster.pid") || relative.toString().equals("postmaster.opts")
                        || first.equals("pg_replslot") && relative.getNameCount() > 1) {
                    continue; // a copied slot would pin WAL on the standby forever
                }
                Path target = dataDir.resolve(relative.toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new TopologyException(name + " - could not copy " + source + " to " + dataDir + ": " + e, e);
        }
        user.ownTree(dataDir);
        configureStandby(stoppedPrimary.port, slot);
    }

    private void configureStandby(int primaryPort, String slot) {
        append(dataDir.resolve("postgresql.auto.conf"), String.join("\n",
                "",
                "# skyriff testkit: streaming standby",
                "primary_conninfo = 'host=127.0.0.1 port=" + primaryPort + " user=" + SUPERUSER
                        + " application_name=" + name + "'",
                "primary_slot_name = '" + slot + "'",
                ""));
        write(dataDir.resolve("standby.signal"), "");
    }

    /**
     * Starts the server and waits until it accepts logins. On the first start a port taken meanwhile by someone else
     * is replaced by a fresh one; later starts keep the port and retry for a few seconds.
     */
    synchronized void start(boolean firstStart) {
        if (running) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            long logOffset = size(logFile);
            String socketDir = nodeDir.toString();
            if (socketDir.length() + 20 > MAX_SOCKET_PATH || !SAFE_PATH.matcher(socketDir).matches()) {
                socketDir = "''"; // no Unix socket: TCP only
            }
            String options = "-p " + port + " -c unix_socket_directories=" + socketDir + " -c cluster_name="
                    + "skyriff-" + name;
            Exec.Result result = user.run(List.of(bin.tool("pg_ctl"), "start", "-D", dataDir.toString(),
                    "-l", logFile.toString(), "-w", "-t", "60", "-s", "-o", options), nodeDir, TOOL_TIMEOUT);
            if (result.ok()) {
                running = true;
                break;
            }
            String log = readFrom(logFile, logOffset);
            stopQuietly();
            boolean portTaken = log.contains("could not bind") || log.contains("Address already in use");
            if (portTaken && attempt < 5) {
                if (firstStart) {
                    port = Ports.free();
                } else {
                    Jdbc.sleep(1000);
                }
                continue;
            }
            throw new TopologyException(name + " - pg_ctl start failed on port " + port + " (exit " + result.exitCode()
                    + "): " + result.output().strip() + "\n" + logFile + ":\n" + log.strip());
        }
        try {
            Jdbc.awaitReady(node("postgres"), READY_TIMEOUT);
        } catch (TopologyException e) {
            throw new TopologyException(e.getMessage() + "\n" + logFile + ":\n" + Exec.tail(logFile, 20), e);
        }
    }

    /**
     * Sends {@code signal} ({@code STOP} or {@code CONT}) to the postmaster and every process under it (backends,
     * WAL receiver, ...): {@code STOP} freezes the server as a hung VM or a network black hole looks (the kernel still
     * accepts TCP connections, nothing answers), {@code CONT} resumes it.
     */
    synchronized void signalAll(String signal) {
        if (!running) {
            throw new TopologyException(name + " - cannot send SIG" + signal + ": the server is stopped");
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            throw new TopologyException(name + " - cannot read postmaster.pid in " + dataDir + ": " + e, e);
        }
        List<String> command = new java.util.ArrayList<>(List.of("kill", "-" + signal, Long.toString(pid)));
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> command.add(Long.toString(d.pid()))));
        Exec.Result result = Exec.run(command, nodeDir, TOOL_TIMEOUT);
        if (!result.ok()) {
            throw new TopologyException(name + " - kill -" + signal + " failed (exit " + result.exitCode() + "): "
                    + result.output().strip());
        }
    }

    /** {@code pg_ctl stop -m immediate}: like a crash, the next start recovers. */
    synchronized void stop() {
        stop("immediate");
    }

    /** {@code pg_ctl stop -m fast}: a clean shutdown with a final checkpoint. */
    synchronized void stopClean() {
        stop("fast");
    }

    private void stop(String mode) {
        if (!running && !Files.exists(dataDir.resolve("postmaster.pid"))) {
            return;
        }
        Exec.Result result = user.run(List.of(bin.tool("pg_ctl"), "stop", "-D", dataDir.toString(), "-m", mode, "-w",
                "-t", "60", "-s"), nodeDir, TOOL_TIMEOUT);
        if (!result.ok() && Files.exists(dataDir.resolve("postmaster.pid"))) {
            throw new TopologyException(name + " - pg_ctl stop -m " + mode + " failed on port " + port + " (exit "
                    + result.exitCode() + "): " + result.output().strip());
        }
        running = false;
    }

    private void stopQuietly() {
        user.run(List.of(bin.tool("pg_ctl"), "stop", "-D", dataDir.toString(), "-m", "immediate", "-w", "-s"), nodeDir,
                TOOL_TIMEOUT);
    }

    private void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(name + " - could not write " + file, e);
        }
        user.own(file);
    }

    private void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(name + " - could not write " + file, e);
        }
        user.own(file);
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String readFrom(Path file, long offset) {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length() - offset;
            if (length <= 0) {
                return "";
            }
            byte[] bytes = new byte[(int) Math.min(length, 64 * 1024)];
            raf.seek(offset);
            raf.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<could not read " + file + ": " + e.getMessage() + ">";
        }
    }

    @Override
    public String toString() {
        return name + " (127.0.0.1:" + port + ", " + (running ? "running" : "stopped") + ")";
    }
}
