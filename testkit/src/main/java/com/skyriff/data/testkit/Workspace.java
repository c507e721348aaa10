package com.skyriff.data.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The directory one topology keeps its servers in: {@code <root>/<kind><pid>-<n>}, where root is
 * {@code skyriff.testkit.dir} (surefire sets {@code target/topology}) or {@code target/topology}.
 *
 * <p>Each directory holds a {@code .lock} file locked by the owning JVM for its lifetime. A directory whose lock can
 * be taken belongs to a dead JVM: its servers (found through {@code postmaster.pid} and our {@code redis.pid} files)
 * are killed and the directory is deleted, once per JVM and root, before a new one is made. Thread-safe.
 */
final class Workspace {
    static final String ROOT_PROPERTY = "skyriff.testkit.dir";
    private static final Pattern NAME = Pattern.compile("(\\.new-)?[tc](\\d+)-(\\d+)");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Set<Path> CLEANED_ROOTS = ConcurrentHashMap.newKeySet();
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    private final Path root;
    private final Path dir;
    private final FileChannel lockChannel;
    private final ServerUser user;

    private Workspace(Path root, Path dir, FileChannel lockChannel, ServerUser user) {
        this.root = root;
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.user = user;
    }

    /** Creates a fresh, locked directory; {@code kind} is {@code t} (topology) or {@code c} (Redis Cluster). */
    static Workspace create(Path requestedRoot, String kind, ServerUser user) {
        Registry.init();
        Path root = requestedRoot != null ? requestedRoot
                : System.getProperty(ROOT_PROPERTY) != null ? Path.of(System.getProperty(ROOT_PROPERTY))
                : Path.of("target", "topology");
        root = root.toAbsolutePath().normalize();
        Workspace workspace = createIn(root, kind, user, false);
        if (user.canWrite(workspace.dir)) {
            return workspace;
        }
        // The server user cannot reach the build directory (e.g. a checkout under /root, mode 700): use /tmp.
        workspace.release(true);
        Path fallback = Path.of(System.getProperty("java.io.tmpdir"), "skyriff-topology",
                Integer.toHexString(root.toString().hashCode()));
        Log.info(root + " is not writable for " + ServerUser.NAME + "; using " + fallback + " instead");
        workspace = createIn(fallback, kind, user, true);
        if (!user.canWrite(workspace.dir)) {
            workspace.release(true);
            throw new TopologyException("workspace: neither " + root + " nor " + fallback + " is writable for "
                    + ServerUser.NAME + "; set -D" + ROOT_PROPERTY + " to a directory that user can reach");
        }
        return workspace;
    }

    private static Workspace createIn(Path root, String kind, ServerUser user, boolean ours) {
        try {
            Files.createDirectories(root);
            if (ours) {
                // Our own directories under /tmp: make sure a restrictive umask does not lock the server user out.
                makeTraversable(root.getParent());
                makeTraversable(root);
            }
            if (CLEANED_ROOTS.add(root)) {
                cleanStale(root);
            }
            String name = kind + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
            // Lock first under a staging name, then rename: a concurrent cleaner never sees an unlocked directory.
            Path staging = root.resolve(".new-" + name);
            Files.createDirectory(staging);
            FileChannel channel = FileChannel.open(staging.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            channel.lock();
            Path dir = root.resolve(name);
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                // Left by an earlier JVM that had our pid (containers reuse pids).
                killServersIn(dir);
                deleteTree(dir);
            }
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            user.own(dir);
            LIVE.add(dir);
            return new Workspace(root, dir, channel, user);
        } catch (IOException e) {
            throw new TopologyException("workspace: could not create a directory under " + root + ": " + e, e);
        }
    }

    Path root() {
        return root;
    }

    Path dir() {
        return dir;
    }

    /** A new directory for one server, owned by the server user. */
    Path nodeDir(String name) {
        try {
            Path node = Files.createDirectories(dir.resolve(name));
            user.own(node);
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("workspace: could not create " + dir.resolve(name), e);
        }
    }

    /** Stops owning the directory. With {@code deleteAll} false only the bulky data directories go; logs stay. */
    void release(boolean deleteAll) {
        try {
            if (deleteAll) {
                deleteTree(dir);
            } else {
                try (DirectoryStream<Path> nodes = Files.newDirectoryStream(dir)) {
                    for (Path node : nodes) {
                        deleteTree(node.resolve("data"));
                        deleteTree(node.resolve("bin"));
                    }
                }
            }
        } catch (IOException e) {
            Log.info("could not trim " + dir + ": " + e);
        } finally {
            LIVE.remove(dir);
            try {
                lockChannel.close();
            } catch (IOException ignored) {
                // the lock goes with the channel
            }
        }
    }

    /** Kills any server still running inside a directory owned by this JVM; the shutdown hook's last resort. */
    static void killLeftovers() {
        for (Path dir : LIVE) {
            killServersIn(dir);
        }
    }

    private static void cleanStale(Path root) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                Matcher matcher = NAME.matcher(entry.getFileName().toString());
                if (!matcher.matches() || !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) || LIVE.contains(entry)) {
                    continue;
                }
                long pid = Long.parseLong(matcher.group(2));
                boolean staging = matcher.group(1) != null;
                if (staging && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue; // being created right now by another JVM
                }
                cleanIfUnlocked(entry);
            }
        }
    }

    private static void cleanIfUnlocked(Path dir) {
        try (FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return; // its JVM is alive
            }
            killServersIn(dir);
            deleteTree(dir);
        } catch (OverlappingFileLockException e) {
            // locked by this JVM: alive
        } catch (NoSuchFileException e) {
            // deleted meanwhile by another cleaner
        } catch (IOException e) {
            Log.info("could not clean stale " + dir + ": " + e);
        }
    }

    /** Kills the PostgreSQL and Redis servers whose pid files lie below {@code dir}. */
    static void killServersIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> pidFiles;
        try (Stream<Path> paths = Files.find(dir, 4, (path, attrs) -> attrs.isRegularFile()
                && (path.endsWith("postmaster.pid") || path.endsWith("redis.pid")))) {
            pidFiles = paths.toList();
        } catch (IOException | UncheckedIOException e) {
            Log.info("could not scan " + dir + " for stale servers: " + e);
            return;
        }
        for (Path pidFile : pidFiles) {
            try {
                List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
                if (lines.isEmpty() || lines.get(0).isBlank()) {
                    continue;
                }
                long pid = Long.parseLong(lines.get(0).strip());
                // postmaster.pid line 2 is the data directory, which is on the postmaster's command line.
                String mustContain = pidFile.endsWith("postmaster.pid") && lines.size() > 1 ? lines.get(1).strip()
                        : "redis";
                Optional<ProcessHandle> handle = ProcessHandle.of(pid);
                if (handle.isPresent() && handle.get().isAlive() && commandLine(pid).contains(mustContain)) {
                    kill(handle.get(), pidFile.endsWith("postmaster.pid"));
                    Log.info("killed stale server pid " + pid + " (" + pidFile.getParent() + ")");
                }
            } catch (IOException | NumberFormatException e) {
                Log.info("could not read " + pidFile + ": " + e);
            }
        }
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("");
        }
    }

    private static void kill(ProcessHandle process, boolean postmaster) {
        if (postmaster) {
            // SIGQUIT is PostgreSQL's immediate shutdown; SIGTERM (all Java can send) would be a slow smart shutdown.
            Exec.run(List.of("kill", "-QUIT", Long.toString(process.pid())), null, java.time.Duration.ofSeconds(10));
        } else {
            process.destroy();
        }
        if (!awaitGone(process.pid(), 5_000)) {
            process.destroyForcibly();
            awaitGone(process.pid(), 5_000);
        }
    }

    /**
     * Waits until {@code pid} is gone or a zombie. An orphaned server is reaped by pid 1, sometimes late, and Java
     * counts a zombie as alive.
     */
    private static boolean awaitGone(long pid, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (!running(pid)) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !running(pid);
    }

    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !Files.isDirectory(Path.of("/proc"));
        }
    }

    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void makeTraversable(Path dir) {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException | UnsupportedOperationException e) {
            // the canWrite check reports what matters
        }
    }
}
