package com.skyriff.data.rules.watch;

import java.io.IOException;

/**
 * Where the rules text of running services lives, how they learn it changed, and how a writer publishes a new one: a
 * file ({@link FileRulesSource}) for one machine, a ZooKeeper znode ({@link ZooKeeperRulesSource}) for a fleet. Only
 * {@link RulesWatcher} reads it for the layer; a writer (the resharding cutover, a deploy script) calls
 * {@link #publish}. Implementations are thread-safe.
 */
public interface RulesSource extends AutoCloseable {

    /** Names the source in messages and log lines, e.g. {@code rules file /etc/skyriff/rules.yaml}; never a secret. */
    String describe();

    /** A short name for problems of its text, e.g. {@code rules.yaml} or {@code zookeeper:/skyriff/rules}. */
    String sourceName();

    /**
     * The rules text as it is now.
     *
     * @throws IOException when it cannot be read (missing file or znode, unreachable ZooKeeper)
     */
    String read() throws IOException;

    /**
     * Replaces the rules text for every service watching this source: a file is written to a temporary file and moved
     * over the old one atomically; a znode is set with a compare-and-set on the version this source last saw. The
     * watchers check the new text; an invalid one is refused by each of them and the previous rules keep running.
     *
     * @throws IOException when it could not be written (or the znode changed since this source last saw it)
     */
    void publish(String rulesText) throws IOException;

    /**
     * Starts telling {@code changed} that the text may have changed (it may be told more often than the text
     * changes: the watcher compares content). Called once.
     */
    void watch(Runnable changed);

    /** Stops watching and releases connections. Idempotent. */
    @Override
    void close();
}
