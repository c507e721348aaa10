package com.skyriff.data.spring.boot;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.health.NodeStatus;
import com.skyriff.data.rules.CacheSpec;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code skyriff} Actuator endpoint: the rules in force (shards, nodes, buckets, tables, cache, health settings)
 * and every node's status. Passwords never appear: node passwords, the Redis password, {@code password=} parameters
 * of URLs, user:password in URLs and props whose key names a secret are shown as {@code <masked>}. Thread-safe.
 */
@Endpoint(id = "skyriff")
public class SkyriffEndpoint {
    static final String MASK = "<masked>";
    private final SkyriffData data;

    public SkyriffEndpoint(SkyriffData data) {
        this.data = data;
    }

    @ReadOperation
    public Map<String, Object> skyriff() {
        Map<String, Object> out = new LinkedHashMap<>();
        Rules rules = data.rules().orElseThrow();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", rules.name());
        r.put("bucketCount", rules.bucketCount());
        r.put("defaultShard", rules.defaultShard());
        r.put("loadBalancer", rules.loadBalancing().toString());
        List<Object> shards = new ArrayList<>();
        for (ShardSpec s : rules.shards()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("buckets", s.buckets().toString());
            m.put("primary", node(s.primary()));
            m.put("replicas", s.replicas().stream().map(SkyriffEndpoint::node).toList());
            shards.add(m);
        }
        r.put("shards", shards);
        Map<String, Object> tables = new LinkedHashMap<>();
        for (TableSpec t : rules.tables().values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("strategy", t.strategy().toString());
            if (t.keyColumn() != null) {
                m.put("key", t.keyColumn());
            }
            if (t.timeColumn() != null) {
                m.put("time", t.timeColumn());
            }
            if (t.firstMonth() != null) {
                m.put("firstMonth", t.firstMonth().toString());
            }
            tables.put(t.name(), m);
        }
        r.put("tables", tables);
        Map<String, String> props = new LinkedHashMap<>();
        rules.props().forEach((k, v) -> props.put(k, secretKey(k) ? MASK : maskUrl(v)));
        r.put("props", props);
        r.put("health", rules.health().toString());
        rules.cache().ifPresent(c -> r.put("cache", cache(c)));
        out.put("rules", r);
        List<Object> nodes = new ArrayList<>();
        for (NodeStatus s : data.nodeStatus()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", s.dataSourceName());
            m.put("shard", s.shard());
            m.put("role", s.primary() ? "primary" : "replica");
            m.put("up", s.up());
            m.put("lagMillis", s.lagMillis());
            m.put("inRotation", s.inRotation());
            m.put("lastFailure", s.lastFailure() == null ? null : maskUrl(s.lastFailure()));
            nodes.add(m);
        }
        out.put("nodes", nodes);
        return out;
    }

    private static Map<String, Object> node(NodeSpec n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", maskUrl(n.url()));
        m.put("username", n.username());
        m.put("password", n.password().isEmpty() ? "<none>" : MASK);
        m.put("weight", n.weight());
        return m;
    }

    private static Map<String, Object> cache(CacheSpec c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("namespace", c.namespace());
        m.put("mode", c.mode().toString());
        m.put("redis", maskUrl(c.describeRedis()));
        m.put("username", c.username());
        m.put("password", c.password().isEmpty() ? "<none>" : MASK);
        m.put("required", c.required());
        m.put("entities", new ArrayList<>(c.entities().keySet()));
        return m;
    }

    private static boolean secretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("token") || k.contains("credential");
    }

    /** {@code password=} parameters and the password of {@code scheme://user:password@host} masked. */
    static String maskUrl(String text) {
        if (text == null) {
            return null;
        }
        String masked = NodeSpec.maskUrl(text);
        int scheme = masked.indexOf("://");
        while (scheme >= 0) {
            int at = masked.indexOf('@', scheme);
            int slash = masked.indexOf('/', scheme + 3);
            int colon = masked.indexOf(':', scheme + 3);
            if (at > 0 && colon > 0 && colon < at && (slash < 0 || at < slash)) {
                masked = masked.substring(0, colon + 1) + MASK + masked.substring(at);
            }
            scheme = masked.indexOf("://", scheme + 3);
        }
        return masked;
    }
}
