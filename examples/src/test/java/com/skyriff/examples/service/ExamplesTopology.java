package com.skyriff.examples.service;

import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.util.HashMap;
import java.util.Map;

/** The examples' one topology per JVM: the demo's shape, 2 shards x (1 primary + 2 replicas) + Redis. */
final class ExamplesTopology {
    private static LocalTopology topology;
    private static com.skyriff.data.testkit.RedisClusterTopology cluster;

    private ExamplesTopology() {
    }

    static synchronized LocalTopology get() {
        if (topology == null) {
            topology = LocalTopology.builder().shards(2).replicasPerShard(2).redis(true).build();
        }
        return topology;
    }

    /** REDIS_NODE0..2 of a 3-master Redis Cluster, started once per JVM (phase 4's cache). */
    static synchronized Map<String, String> clusterEnv() {
        if (cluster == null) {
            cluster = com.skyriff.data.testkit.RedisClusterTopology.start(3);
        }
        return com.skyriff.examples.TopologyEnv.withCluster(new HashMap<>(), cluster.nodeUris());
    }

    /** The environment the rules files in examples/rules read their URLs from. */
    static Map<String, String> env(TestDatabase db, String firstMonth) {
        Map<String, String> env = new HashMap<>();
        for (PgShard s : db.shards()) {
            String p = s.name().toUpperCase(java.util.Locale.ROOT);
            env.put(p + "_PRIMARY_URL", s.primary().jdbcUrl());
            for (int i = 0; i < s.replicas().size(); i++) {
                env.put(p + "_REPLICA" + i + "_URL", s.replicas().get(i).jdbcUrl());
            }
            env.put("PG_USER", s.primary().user());
            env.put("PG_PASSWORD", s.primary().password());
        }
        env.put("FIRST_MONTH", firstMonth);
        env.put("REDIS_URI", get().redis().uri());
        return env;
    }
}
