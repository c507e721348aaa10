package com.skyriff.data.spring.boot;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.health.NodeStatus;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;

/**
 * Actuator health of the layer ({@code /actuator/health/skyriff}): one composite per shard, one indicator per node
 * ({@code skyriff.shard0.shard0_replica_0}). A node is UP when its last health checks succeeded and, for a replica,
 * it is in the read rotation (up and within {@code max-lag-ms}); DOWN otherwise, with {@code up}, {@code lagMillis},
 * {@code inRotation} and the reason. Read from {@link SkyriffData#nodeStatus()} (no query per health call).
 * Thread-safe.
 */
final class SkyriffHealthContributor implements CompositeHealthContributor {
    private final Map<String, HealthContributor> shards = new LinkedHashMap<>();

    SkyriffHealthContributor(SkyriffData data) {
        Rules rules = data.rules().orElseThrow();
        for (ShardSpec shard : rules.shards()) {
            Map<String, HealthContributor> nodes = new LinkedHashMap<>();
            nodes.put(shard.primaryDataSourceName(), node(data, shard.primaryDataSourceName()));
            for (int i = 0; i < shard.replicas().size(); i++) {
                nodes.put(shard.replicaDataSourceName(i), node(data, shard.replicaDataSourceName(i)));
            }
            shards.put(shard.name(), CompositeHealthContributor.fromMap(nodes));
        }
    }

    private static HealthIndicator node(SkyriffData data, String name) {
        return () -> {
            NodeStatus s = find(data.nodeStatus(), name);
            if (s == null) {
                return Health.unknown().withDetail("reason", "no health check has run yet").build();
            }
            boolean healthy = s.up() && (s.primary() || s.inRotation());
            Health.Builder b = healthy ? Health.up() : Health.down();
            b.withDetail("role", s.primary() ? "primary" : "replica").withDetail("up", s.up())
                    .withDetail("lagMillis", s.lagMillis()).withDetail("inRotation", s.inRotation());
            if (s.lastFailure() != null) {
                b.withDetail("reason", SkyriffEndpoint.maskUrl(s.lastFailure()));
            }
            return b.build();
        };
    }

    private static NodeStatus find(List<NodeStatus> all, String name) {
        for (NodeStatus s : all) {
            if (s.dataSourceName().equals(name)) {
                return s;
            }
        }
        return null;
    }

    @Override
    public HealthContributor getContributor(String name) {
        return shards.get(name);
    }

    @Override
    public Iterator<NamedContributor<HealthContributor>> iterator() {
        return shards.entrySet().stream().map(e -> NamedContributor.of(e.getKey(), e.getValue())).iterator();
    }
}
