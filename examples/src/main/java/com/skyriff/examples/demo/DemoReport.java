package com.skyriff.examples.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the demo measured. Immutable.
 *
 * @param operations    per operation: count and latency percentiles in microseconds
 * @param nodeBorrows   per physical node (ShardingSphere data-source name): connections borrowed from its pool, i.e.
 *                      statements it answered (a transaction borrows once for all of its statements)
 * @param cacheHits     profile reads answered by the cache (near or Redis); -1 when the run had no cache
 * @param maxReplicaLagMs the largest replay lag any replica reported during the run
 */
record DemoReport(String target, long seededUsers, long seededVideos, long seededEvents, Duration seedTime, int threads,
                  Duration elapsed, long totalOperations, long errors, long refusedDebits,
                  Map<String, OpStats> operations, Map<String, Long> nodeBorrows, long cacheHits, long cacheMisses,
                  double maxReplicaLagMs, List<String> errorSamples) {

    record OpStats(long count, double p50Micros, double p95Micros, double p99Micros) {
    }

    double opsPerSecond() {
        return totalOperations / Math.max(0.001, elapsed.toNanos() / 1e9);
    }

    long replicaBorrows() {
        return nodeBorrows.entrySet().stream().filter(e -> e.getKey().contains("_replica_"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    double cacheHitRatio() {
        long all = cacheHits + cacheMisses;
        return all == 0 ? 0 : (double) cacheHits / all;
    }

    void print(PrintStream out) {
        out.println();
        out.println("== SkyRiff demo report (" + target + ")");
        out.printf("seeded: %,d users, %,d videos, %,d watch events in %.1f s%n", seededUsers, seededVideos,
                seededEvents, seedTime.toMillis() / 1000.0);
        out.printf("workload: %d client threads for %.1f s: %,d operations, %,.0f ops/s, errors: %d "
                        + "(refused debits, a business outcome: %d)%n", threads, elapsed.toMillis() / 1000.0,
                totalOperations, opsPerSecond(), errors, refusedDebits);
        out.println();
        out.printf("%-15s %10s %10s %10s %10s%n", "operation", "count", "p50 ms", "p95 ms", "p99 ms");
        operations.forEach((op, s) -> out.printf("%-15s %10d %10.2f %10.2f %10.2f%n", op, s.count(),
                s.p50Micros() / 1000, s.p95Micros() / 1000, s.p99Micros() / 1000));
        out.println();
        out.printf("%-28s %12s%n", "node", "statements");
        nodeBorrows.forEach((node, n) -> out.printf("%-28s %12d%n", node, n));
        out.println();
        if (cacheHits >= 0) {
            out.printf("profile cache: %d hits (near cache or Redis), %d misses, hit ratio %.1f %%%n", cacheHits, cacheMisses,
                    100 * cacheHitRatio());
        } else {
            out.println("profile cache: off (no cache: section in the rules)");
        }
        out.printf("max observed replica replay lag: %.1f ms%n", maxReplicaLagMs);
        errorSamples.forEach(e -> out.println("error sample: " + e));
    }
}
