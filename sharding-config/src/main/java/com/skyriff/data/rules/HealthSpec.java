package com.skyriff.data.rules;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code health:} section: how often each node is checked, when a replica leaves and rejoins the read rotation,
 * what reads do while a shard has no usable replica, read-your-writes, and the timeouts that bound how long a request
 * can wait on a dead node. Immutable, thread-safe. Start from {@link #DEFAULTS} and change fields with the
 * {@code with...} methods; {@link Rules.Builder#build()} checks the values.
 *
 * @param checkIntervalMs  pause between two checks of one node
 * @param failureThreshold consecutive failed checks that take a node out (one good check puts it back)
 * @param checkTimeoutMs   how long one check may take before it counts as failed
 * @param whenNoReplica    where a shard's plain reads go while none of its replicas is usable
 * @param readYourWrites   what a session's reads are guaranteed to see after its own writes
 * @param windowMs         {@link ReadYourWrites#WINDOW}: how long after a write the session reads the primary
 * @param maxLagMs         replay lag above which a replica is skipped (per shard: {@code shards[].max-lag-ms})
 * @param connectTimeoutMs TCP connect and login timeout of every node connection (rounded up to whole seconds)
 * @param socketTimeoutMs  how long a statement may wait for the server's next byte; 0 waits for ever
 * @param readTimeoutMs    how long a read on a replica may wait for the server's next byte (whole seconds, rounded up)
 *                         before it is retried once elsewhere and the replica is taken out until its next good check;
 *                         0 leaves replicas at {@code socketTimeoutMs}
 */
public record HealthSpec(long checkIntervalMs, int failureThreshold, long checkTimeoutMs, WhenNoReplica whenNoReplica,
                         ReadYourWrites readYourWrites, long windowMs, long maxLagMs, long connectTimeoutMs,
                         long socketTimeoutMs, long readTimeoutMs) {

    /** The documented defaults (README, "The rules file"): a dead replica leaves the rotation within about 2 s. */
    public static final HealthSpec DEFAULTS = new HealthSpec(500, 2, 500, WhenNoReplica.PRIMARY,
            ReadYourWrites.NONE, 1_000, 5_000, 2_000, 30_000, 5_000);

    public HealthSpec withCheckIntervalMs(long v) {
        return new HealthSpec(v, failureThreshold, checkTimeoutMs, whenNoReplica, readYourWrites, windowMs, maxLagMs,
                connectTimeoutMs, socketTimeoutMs, readTimeoutMs);
    }

    public HealthSpec withFailureThreshold(int v) {
        return new HealthSpec(checkIntervalMs, v, checkTimeoutMs, whenNoReplica, readYourWrites, windowMs, maxLagMs,
                connectTimeoutMs, socketTimeoutMs, readTimeoutMs);
    }

    public HealthSpec withCheckTimeoutMs(long v) {
        return new HealthSpec(checkIntervalMs, failureThreshold, v, whenNoReplica, readYourWrites, windowMs, maxLagMs,
                connectTimeoutMs, socketTimeoutMs, readTimeoutMs);
    }

    public HealthSpec withWhenNoReplica(WhenNoReplica v) {
        return new HealthSpec(checkIntervalMs, failureThreshold, checkTimeoutMs, v, readYourWrites, windowMs, maxLagMs,
                connectTimeoutMs, socketTimeoutMs, readTimeoutMs);
    }

    public HealthSpec withReadYourWrites(ReadYourWrites v) {
        return new HealthSpec(checkIntervalMs, failureThreshold, checkTimeoutMs, whenNoReplica, v, windowMs, maxLagMs,
                connectTimeoutMs, socketTimeoutMs, readTimeoutMs);
    }

    public HealthSpec withWindowMs(long v) {
        return new HealthSpec(checkIntervalMs, failureThreshold, checkTimeoutMs, whenNoReplica, readYourWrites, v,
                maxLagMs, connectTimeoutMs, socketTimeoutMs, readTimeoutMs);
    }

    public HealthSpec withMaxLagMs(long v) {
        return new HealthSpec(checkIntervalMs, failureThreshold, checkTimeoutMs, whenNoReplica, readYourWrites,
                windowMs, v, connectTimeoutMs, socketTimeoutMs, readTimeoutMs);
    }

    public HealthSpec withConnectTimeoutMs(long v) {
        return new HealthSpec(checkIntervalMs, failureThreshold, checkTimeoutMs, whenNoReplica, readYourWrites,
                windowMs, maxLagMs, v, socketTimeoutMs, readTimeoutMs);
    }

    public HealthSpec withSocketTimeoutMs(long v) {
        return new HealthSpec(checkIntervalMs, failureThreshold, checkTimeoutMs, whenNoReplica, readYourWrites,
                windowMs, maxLagMs, connectTimeoutMs, v, readTimeoutMs);
    }

    public HealthSpec withReadTimeoutMs(long v) {
        return new HealthSpec(checkIntervalMs, failureThreshold, checkTimeoutMs, whenNoReplica, readYourWrites,
                windowMs, maxLagMs, connectTimeoutMs, socketTimeoutMs, v);
    }

    /** The replay lag limit of {@code shard}: its own {@code max-lag-ms}, else this section's. */
    public long maxLagMs(ShardSpec shard) {
        return shard.maxLagMs() != null ? shard.maxLagMs() : maxLagMs;
    }

    /** Problems of these values, each {@code health.<key> ...}. */
    void validate(List<Rules.Problem> out) {
        range(out, "health.check-interval-ms", checkIntervalMs, 50, 60_000);
        range(out, "health.failure-threshold", failureThreshold, 1, 100);
        range(out, "health.check-timeout-ms", checkTimeoutMs, 100, 60_000);
        range(out, "health.window-ms", windowMs, 1, 600_000);
        range(out, "health.max-lag-ms", maxLagMs, 1, 86_400_000);
        range(out, "health.connect-timeout-ms", connectTimeoutMs, 1_000, 600_000);
        range(out, "health.socket-timeout-ms", socketTimeoutMs, 0, 86_400_000);
        validateReadTimeout(out);
        if (whenNoReplica == null) {
            out.add(Rules.Problem.of("health.when-no-replica", "is missing", null, WhenNoReplica.tokens()));
        }
        if (readYourWrites == null) {
            out.add(Rules.Problem.of("health.read-your-writes", "is missing", null, ReadYourWrites.tokens()));
        }
    }

    private void validateReadTimeout(List<Rules.Problem> out) {
        if (readTimeoutMs != 0 && (readTimeoutMs < 1_000 || readTimeoutMs > 86_400_000)) {
            out.add(Rules.Problem.of("health.read-timeout-ms", "is out of range", readTimeoutMs, "0 (off) or 1000..86400000"));
        } else if (readTimeoutMs != 0 && socketTimeoutMs != 0 && readTimeoutMs > socketTimeoutMs) {
            out.add(Rules.Problem.of("health.read-timeout-ms", "exceeds health.socket-timeout-ms " + socketTimeoutMs
                    + " (it bounds replica reads below the socket timeout)", readTimeoutMs, "0.." + socketTimeoutMs));
        }
    }

    private static void range(List<Rules.Problem> out, String key, long v, long min, long max) {
        if (v < min || v > max) {
            out.add(Rules.Problem.of(key, "is out of range", v, min + ".." + max));
        }
    }

    /** Where a shard's plain reads go while none of its replicas is usable. Immutable, thread-safe. */
    public enum WhenNoReplica {
        /** To the shard's primary (the default). */
        PRIMARY("primary"),
        /** Nowhere: they fail at once with a {@code ShardUnavailableException}. */
        FAIL("fail");

        private final String token;

        WhenNoReplica(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }

        public static List<String> tokens() {
            return Arrays.stream(values()).map(WhenNoReplica::token).toList();
        }

        public static Optional<WhenNoReplica> fromToken(String token) {
            return Arrays.stream(values()).filter(v -> v.token.equals(token)).findFirst();
        }

        @Override
        public String toString() {
            return token;
        }
    }

    /** What a session's reads see after its own writes (docs/reliability.md). Immutable, thread-safe. */
    public enum ReadYourWrites {
        /** Nothing beyond ShardingSphere's: reads in a transaction or a primary scope go to the primary. */
        NONE("none"),
        /** After a write, the session reads that shard's primary for {@code window-ms}. */
        WINDOW("window"),
        /** After a write, the session reads only replicas that have replayed past the write's WAL position. */
        WAL("wal");

        private final String token;

        ReadYourWrites(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }

        public static List<String> tokens() {
            return Arrays.stream(values()).map(ReadYourWrites::token).toList();
        }

        public static Optional<ReadYourWrites> fromToken(String token) {
            return Arrays.stream(values()).filter(v -> v.token.equals(token)).findFirst();
        }

        @Override
        public String toString() {
            return token;
        }
    }
}
