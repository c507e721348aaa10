package com.skyriff.examples.demo;

import java.nio.file.Path;

/** SkyRiff's roadmap phases, each a topology shape and a rules file in {@code examples/rules}. */
enum Phase {
    ONE(1, 1, 0, false, "one PostgreSQL + Redis"),
    TWO(2, 1, 1, false, "a primary with one replica + Redis"),
    THREE(3, 1, 2, false, "a primary with two replicas, monthly tables + Redis"),
    FOUR(4, 2, 2, true, "2 shards x (1 primary + 2 replicas), monthly tables + a 3-master Redis Cluster");

    final int number;
    final int shards;
    final int replicas;
    final boolean redisCluster;
    final String description;

    Phase(int number, int shards, int replicas, boolean redisCluster, String description) {
        this.number = number;
        this.shards = shards;
        this.replicas = replicas;
        this.redisCluster = redisCluster;
        this.description = description;
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
