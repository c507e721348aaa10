package com.skyriff.examples;

import com.skyriff.data.testkit.PgShard;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The environment the rules files in {@code examples/rules} read their addresses from, filled from a local topology:
 * {@code SHARD0_PRIMARY_URL}, {@code SHARD0_REPLICA1_URL}, {@code PG_USER}, {@code PG_PASSWORD}, {@code REDIS_URI},
 * {@code FIRST_MONTH}. Against a real cluster the same names come from the process environment.
 */
public final class TopologyEnv {
    private TopologyEnv() {
    }

    public static Map<String, String> of(List<PgShard> shards, String redisUri, String firstMonth) {
        Map<String, String> env = new HashMap<>();
        for (PgShard s : shards) {
            String p = s.name().toUpperCase(Locale.ROOT);
            env.put(p + "_PRIMARY_URL", s.primary().jdbcUrl());
            for (int i = 0; i < s.replicas().size(); i++) {
                env.put(p + "_REPLICA" + i + "_URL", s.replicas().get(i).jdbcUrl());
            }
            env.put("PG_USER", s.primary().user());
            env.put("PG_PASSWORD", s.primary().password());
        }
        if (redisUri != null) {
            env.put("REDIS_URI", redisUri);
        }
        env.put("FIRST_MONTH", firstMonth);
        return env;
    }

    /** Adds {@code REDIS_NODE0..n} for the rules files whose cache is a Redis Cluster. */
    public static Map<String, String> withCluster(Map<String, String> env, List<String> clusterNodeUris) {
        for (int i = 0; i < clusterNodeUris.size(); i++) {
            env.put("REDIS_NODE" + i, clusterNodeUris.get(i));
        }
        return env;
    }
}
