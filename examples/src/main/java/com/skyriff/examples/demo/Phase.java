package com.skyriff.examples.demo;

import java.nio.file.Path;

/** SkyRiff's roadmap phases, each a topology shape and a rules file in {@code examples/rules}. */
enum Phase {
    ONE(1, 1, 0, false, "one PostgreSQL + Redis",
            "the baseline: every statement on one server, profile reads through the Redis cache"),
    TWO(2, 1, 1, false, "a primary with one replica + Redis",
            "a streaming replica: reads outside transactions go to it, writes stay on the primary (read-your-writes keeps "
                    + "a session's own writes visible)"),
    THREE(3, 1, 2, false, "a primary with two replicas, monthly tables + Redis",
            "a second replica (reads rotate over both) and monthly tables: watch events and ledger entries go to one "
                    + "table per month"),
    FOUR(4, 2, 2, true, "2 shards x (1 primary + 2 replicas), monthly tables + a 3-master Redis Cluster",
            "a second shard (users split by bucket of user id, each shard its own primary and replicas) and a 3-master "
                    + "Redis Cluster in place of the single Redis");

    final int number;
    final int shards;
    final int replicas;
    final boolean redisCluster;
    final String description;
    /** What this phase adds to the one before. */
    final String adds;

    Phase(int number, int shards, int replicas, boolean redisCluster, String description, String adds) {
        this.number = number;
        this.shards = shards;
        this.replicas = replicas;
        this.redisCluster = redisCluster;
        this.description = description;
        this.adds = adds;
    }

    /** e.g. {@code 1: one PostgreSQL + Redis; 2: ...}, for messages. */
    static String summary() {
        StringBuilder sb = new StringBuilder();
        for (Phase p : values()) {
            sb.append(sb.length() == 0 ? "" : "; ").append(p.number).append(": ").append(p.description);
        }
        return sb.toString();
    }

    /** Servers the embedded topology starts for this phase: PostgreSQL and Redis. */
    int servers() {
        return shards * (1 + replicas) + 1 + (redisCluster ? 3 : 0);
    }

    static Phase of(int number) {
        for (Phase p : values()) {
            if (p.number == number) {
                return p;
            }
        }
        throw new IllegalArgumentException("--phase must be one of [1, 2, 3, 4]; was " + number);
    }

    /** examples/rules/phaseN.yaml, found from the working directory (repo root or examples/). */
    Path rulesFile() {
        String name = "phase" + number + ".yaml";
        Path home = Path.of(System.getProperty("skyriff.home", "."));
        for (Path candidate : new Path[] {home.resolve("examples/rules/" + name), Path.of("examples", "rules", name),
                Path.of("rules", name)}) {
            if (candidate.toFile().isFile()) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find examples/rules/" + name + " from " + Path.of("").toAbsolutePath());
    }
}
