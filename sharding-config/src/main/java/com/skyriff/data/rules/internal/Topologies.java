package com.skyriff.data.rules.internal;

import com.skyriff.data.rules.Topology;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where ShardingSphere-created algorithm instances find the {@link Topology} their rules were compiled from:
 * ShardingSphere hands an algorithm only string properties, so {@link ShardingSphereRules} registers the topology
 * under a key and compiles the key into the algorithms' properties. Entries are weak: a retired generation's topology
 * goes when nothing uses it any more (its ShardingSphere data source and router hold it strongly). Thread-safe.
 */
final class Topologies {
    private static final Map<String, WeakReference<Topology>> BY_KEY = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();

    private Topologies() {
    }

    /** Registers {@code topology} and returns its key. */
    static String register(Topology topology) {
        BY_KEY.values().removeIf(r -> r.get() == null);
        String key = topology.rules().name() + "#topology-" + NEXT.incrementAndGet();
        BY_KEY.put(key, new WeakReference<>(topology));
        return key;
    }

    /**
     * The topology registered under {@code key}.
     *
     * @throws IllegalStateException when there is none (the algorithm was not configured by {@link ShardingSphereRules})
     */
    static Topology get(String key) {
        WeakReference<Topology> ref = key == null ? null : BY_KEY.get(key);
        Topology t = ref == null ? null : ref.get();
        if (t == null) {
            throw new IllegalStateException("sharding algorithm property " + ShardingSphereRules.TOPOLOGY_PROP + " names no"
                    + " compiled topology; was '" + key + "', expected a key registered by ShardingSphereRules.compile"
                    + " (configure the SkyRiff algorithms through the compact rules only)");
        }
        return t;
    }
}
