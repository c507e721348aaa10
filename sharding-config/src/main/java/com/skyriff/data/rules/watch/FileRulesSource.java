package com.skyriff.data.rules.watch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A rules file on this machine. Watched by polling its modification time and size every {@code pollMillis} (a
 * WatchService misses changes on some network and container file systems, and a polling check of one file is cheap);
 * the watcher compares content, so a touch is not a change. {@link #publish} writes a temporary file beside it and
 * moves it over the old one atomically, so a reader never sees half a file. Thread-safe.
 */
public final class FileRulesSource implements RulesSource {
    /** How often a watched file is checked unless told otherwise. */
    public static final long DEFAULT_POLL_MILLIS = 1_000;

    private final Path file;
    private final long pollMillis;
    private ScheduledExecutorService poller;
    private volatile boolean closed;

    private FileRulesSource(Path file, long pollMillis) {
        this.file = file;
        this.pollMillis = pollMillis;
    }

    /** {@code file}, checked every {@link #DEFAULT_POLL_MILLIS} ms once watched. */
    public static FileRulesSource of(Path file) {
        return of(file, DEFAULT_POLL_MILLIS);
    }

    /**
     * {@code file}, checked every {@code pollMillis} ms once watched.
     *
     * @throws IllegalArgumentException when {@code pollMillis} is below 10
     */
    public static FileRulesSource of(Path file, long pollMillis) {
        Objects.requireNonNull(file, "file");
        if (pollMillis < 10) {
            throw new IllegalArgumentException("FileRulesSource: pollMillis must be at least 10; was " + pollMillis);
        }
        return new FileRulesSource(file.toAbsolutePath(), pollMillis);
    }

    public Path file() {
        return file;
    }

    @Override
    public String describe() {
        return "rules file " + file;
    }

    @Override
    public String sourceName() {
        return file.getFileName().toString();
    }

    @Override
    public String read() throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    @Override
    public void publish(String rulesText) throws IOException {
        Objects.requireNonNull(rulesText, "rulesText");
        Path dir = file.getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, rulesText, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(describe() + ": the file system cannot replace it atomically; publish to a file"
                        + " on a local file system", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public synchronized void watch(Runnable changed) {
        Objects.requireNonNull(changed, "changed");
        if (poller != null) {
            throw new IllegalStateException(describe() + ": watch was already called");
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "skyriff-rules-file");
            t.setDaemon(true);
            return t;
        });
        String[] seen = {stamp()};
        poller.scheduleWithFixedDelay(() -> {
            String now = stamp();
            if (!closed && !now.equals(seen[0])) {
                seen[0] = now;
                changed.run();
            }
        }, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }

    /** Modification time, size and file key: what changes when the file is written or replaced. */
    private String stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.lastModifiedTime() + "/" + a.size() + "/" + a.fileKey();
        } catch (NoSuchFileException e) {
            return "missing";
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "FileRulesSource[" + file + "]";
    }
}
