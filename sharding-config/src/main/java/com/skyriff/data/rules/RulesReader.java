package com.skyriff.data.rules;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the compact rules file (see README, "The rules file") and replays it through {@link Rules#builder()}, so a file
 * and Java code meet the same checks. Every problem is reported at once, each prefixed with {@code file:line:}.
 * Thread-safe (stateless).
 */
public final class RulesReader {
    static final List<String> TOP_KEYS = List.of("name", "bucket-count", "default-shard", "load-balancer",
            "create-missing-months", "month-zone", "worker-id", "pool", "shards", "tables", "props",
            "cache", "health", "cross-shard-transactions", "sql-log", "single-shard-path");
    static final List<String> SHARD_KEYS = List.of("name", "buckets", "primary", "replicas", "pool", "max-lag-ms");
    static final List<String> NODE_KEYS = List.of("url", "username", "password", "weight", "ssl-mode");
    static final List<String> POOL_KEYS = List.of("maximum-size", "minimum-idle", "connection-timeout-ms",
            "idle-timeout-ms", "max-lifetime-ms", "validation-timeout-ms");
    static final List<String> TABLE_KEYS = List.of("strategy", "key", "time", "first-month", "months-ahead",
            "last-month", "id", "allow-full-scan", "max-months-per-query");
    static final List<String> HEALTH_KEYS = List.of("check-interval-ms", "failure-threshold", "check-timeout-ms",
            "when-no-replica", "read-your-writes", "window-ms", "max-lag-ms", "connect-timeout-ms", "socket-timeout-ms",
            "read-timeout-ms");
    static final List<String> CACHE_KEYS = List.of("required", "namespace", "redis", "breaker", "single-flight",
            "entities");
    static final List<String> REDIS_KEYS = List.of("mode", "address", "nodes", "master-name", "username", "password",
            "database", "connect-timeout-ms", "timeout-ms");
    static final List<String> BREAKER_KEYS = List.of("failure-threshold", "open-ms");
    static final List<String> SINGLE_FLIGHT_KEYS = List.of("lease-ms", "wait-ms");
    static final List<String> ENTITY_KEYS = List.of("version", "ttl-seconds", "jitter", "negative-ttl-seconds",
            "near-cache", "near-cache-size", "near-ttl-seconds");
    // ${NAME}: an environment variable, or (through a resolver such as Spring's Environment) a dotted property name
    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.-]*)}");

    private final String source;
    private final Function<String, String> env;
    private final Map<String, Integer> lines = new HashMap<>();
    private final List<Rules.Problem> problems = new ArrayList<>();
    private final Set<String> reportedKeys = new HashSet<>();

    private RulesReader(String source, Function<String, String> env) {
        this.source = source;
        this.env = env;
    }

    /** Reads a compact rules file, resolving {@code ${VAR}} from the process environment. */
    public static Rules read(Path file) {
        return read(file, System::getenv, Clock.systemUTC());
    }

    public static Rules read(Path file, Function<String, String> env, Clock clock) {
        return parse(readText(file), file.getFileName().toString(), env, clock);
    }

    /**
     * Parses rules text. {@code source} names it in messages (usually the file name).
     *
     * @throws RulesException listing every problem, each as {@code source:line: key ...}
     */
    public static Rules parse(String yaml, String source, Function<String, String> env, Clock clock) {
        return new RulesReader(source, env).run(yaml, clock);
    }

    /**
     * Whether the text is a native ShardingSphere 5.5 YAML configuration (it has {@code dataSources:} and
     * {@code rules:}), to be used unchanged by {@link NativeRules}.
     */
    public static boolean isNative(String yaml) {
        return Pattern.compile("(?m)^dataSources\\s*:").matcher(yaml).find()
                && Pattern.compile("(?m)^rules\\s*:").matcher(yaml).find();
    }

    /** The text of a rules file (UTF-8); a missing or unreadable file fails naming it. */
    public static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RulesException(file.toString(), List.of(file + ": no such rules file"));
        } catch (IOException e) {
            throw new RulesException(file.toString(), List.of(file + ": cannot be read: " + e.getMessage()));
        }
    }

    private Rules run(String yaml, Clock clock) {
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            String what = e.getProblem() == null ? e.getMessage() : e.getProblem();
            throw new RulesException(source, List.of(source + ":" + line + ": malformed YAML: " + what));
        } catch (YAMLException e) {
            throw new RulesException(source, List.of(source + ": malformed YAML: " + e.getMessage()));
        }
        if (!(root instanceof MappingNode top)) {
            throw new RulesException(source, List.of(source + ":1: the rules file must be a YAML mapping with keys "
                    + TOP_KEYS));
        }
        Rules.Builder b = Rules.builder().clock(clock);
        Map<String, Node> map = mapping(top, "", TOP_KEYS);
        if (map.containsKey("name")) {
            b.name(string(map.get("name"), "name"));
        }
        if (map.containsKey("bucket-count")) {
            Integer v = integer(map.get("bucket-count"), "bucket-count");
            if (v != null) {
                b.bucketCount(v);
            }
        }
        if (map.containsKey("default-shard")) {
            b.defaultShard(string(map.get("default-shard"), "default-shard"));
        }
        if (map.containsKey("load-balancer")) {
            String v = string(map.get("load-balancer"), "load-balancer");
            LoadBalancing.fromToken(v).ifPresentOrElse(b::loadBalancing,
                    () -> problem("load-balancer", map.get("load-balancer"), "must be one of " + LoadBalancing.tokens(), v));
        }
        if (map.containsKey("create-missing-months")) {
            Boolean v = bool(map.get("create-missing-months"), "create-missing-months");
            if (v != null) {
                b.createMissingMonths(v);
            }
        }
        if (map.containsKey("single-shard-path")) {
            Boolean v = bool(map.get("single-shard-path"), "single-shard-path");
            if (v != null) {
                b.singleShardPath(v);
            }
        }
        if (map.containsKey("month-zone")) {
            String v = string(map.get("month-zone"), "month-zone");
            ZoneId zone = v == null ? null : Rules.parseZone(v);
            if (zone == null) {
                problem("month-zone", map.get("month-zone"), "is not a time zone id", v);
            } else {
                b.monthZone(zone);
            }
        }
        if (map.containsKey("worker-id")) {
            Integer v = integer(map.get("worker-id"), "worker-id");
            if (v != null) {
                b.workerId(v);
            }
        }
        if (map.containsKey("pool")) {
            b.pool(pool(map.get("pool"), "pool"));
        }
        if (map.containsKey("shards")) {
            readShards(map.get("shards"), b);
        } else {
            problem("shards", top, "is missing; at least one shard with a primary is required", null);
        }
        if (map.containsKey("tables")) {
            readTables(map.get("tables"), b);
        }
        if (map.containsKey("props")) {
            Node propsNode = map.get("props");
            if (propsNode instanceof MappingNode pm) {
                for (NodeTuple t : pm.getValue()) {
                    String k = keyOf(t);
                    b.prop(k, string(t.getValueNode(), "props." + k));
                    lines.put("props." + k, line(t.getKeyNode()));
                }
            } else {
                problem("props", propsNode, "must be a mapping of ShardingSphere properties", null);
            }
        }
        if (map.containsKey("cache")) {
            readCache(map.get("cache"), b);
        }
        readReliability(map, b);
        List<Rules.Problem> all = new ArrayList<>(problems);
        for (Rules.Problem p : b.validate()) {
            if (!alreadyReported(p.key())) {
                all.add(p);
            }
        }
        if (!all.isEmpty()) {
            throw RulesException.of(source, all.stream().map(this::detail).toList());
        }
        return b.build();
    }

    /** The keys of issue 6: {@code health:}, {@code cross-shard-transactions:}, {@code sql-log:}. */
    private void readReliability(Map<String, Node> map, Rules.Builder b) {
        if (map.containsKey("cross-shard-transactions")) {
            String v = string(map.get("cross-shard-transactions"), "cross-shard-transactions");
            if (v != null) {
                CrossShardWrites.fromToken(v).ifPresentOrElse(b::crossShardWrites, () -> problem(
                        "cross-shard-transactions", map.get("cross-shard-transactions"), "must be one of "
                                + CrossShardWrites.tokens(), v));
            }
        }
        if (map.containsKey("sql-log")) {
            String v = string(map.get("sql-log"), "sql-log");
            if (v != null) {
                SqlLog.fromToken(v).ifPresentOrElse(b::sqlLog, () -> problem("sql-log", map.get("sql-log"),
                        "must be one of " + SqlLog.tokens(), v));
            }
        }
        if (!map.containsKey("health")) {
            return;
        }
        Map<String, Node> m = mapping(map.get("health"), "health", HEALTH_KEYS);
        if (m == null) {
            return;
        }
        HealthSpec h = HealthSpec.DEFAULTS;
        Long v;
        if ((v = optionalLong(m, "check-interval-ms")) != null) {
            h = h.withCheckIntervalMs(v);
        }
        if ((v = optionalLong(m, "failure-threshold")) != null) {
            h = v > Integer.MAX_VALUE || v < 0 ? h.withFailureThreshold(-1) : h.withFailureThreshold(v.intValue());
        }
        if ((v = optionalLong(m, "check-timeout-ms")) != null) {
            h = h.withCheckTimeoutMs(v);
        }
        if ((v = optionalLong(m, "window-ms")) != null) {
            h = h.withWindowMs(v);
        }
        if ((v = optionalLong(m, "max-lag-ms")) != null) {
            h = h.withMaxLagMs(v);
        }
        if ((v = optionalLong(m, "connect-timeout-ms")) != null) {
            h = h.withConnectTimeoutMs(v);
        }
        if ((v = optionalLong(m, "socket-timeout-ms")) != null) {
            h = h.withSocketTimeoutMs(v);
        }
        if ((v = optionalLong(m, "read-timeout-ms")) != null) {
            h = h.withReadTimeoutMs(v);
        }
        if (m.containsKey("when-no-replica")) {
            String t = string(m.get("when-no-replica"), "health.when-no-replica");
            HealthSpec.WhenNoReplica w = t == null ? null : HealthSpec.WhenNoReplica.fromToken(t).orElse(null);
            if (w != null) {
                h = h.withWhenNoReplica(w);
            } else if (t != null) {
                problem("health.when-no-replica", m.get("when-no-replica"), "must be one of "
                        + HealthSpec.WhenNoReplica.tokens(), t);
            }
        }
        if (m.containsKey("read-your-writes")) {
            String t = string(m.get("read-your-writes"), "health.read-your-writes");
            HealthSpec.ReadYourWrites r = t == null ? null : HealthSpec.ReadYourWrites.fromToken(t).orElse(null);
            if (r != null) {
                h = h.withReadYourWrites(r);
            } else if (t != null) {
                problem("health.read-your-writes", m.get("read-your-writes"), "must be one of "
                        + HealthSpec.ReadYourWrites.tokens(), t);
            }
        }
        b.health(h);
    }

    private Long optionalLong(Map<String, Node> health, String key) {
        return health.containsKey(key) ? longValue(health.get(key), "health." + key) : null;
    }

    private void readShards(Node node, Rules.Builder b) {
        if (!(node instanceof SequenceNode seq)) {
            problem("shards", node, "must be a list of shards", null);
            return;
        }
        for (int i = 0; i < seq.getValue().size(); i++) {
            String at = "shards[" + i + "]";
            Node sn = seq.getValue().get(i);
            lines.put(at, line(sn));
            Map<String, Node> m = mapping(sn, at, SHARD_KEYS);
            if (m == null) {
                continue;
            }
            String name = m.containsKey("name") ? string(m.get("name"), at + ".name") : null;
            if (name == null && !reportedKeys.contains(at + ".name")) {
                problem(at + ".name", sn, "is missing", null);
            }
            NodeSpec primary = m.containsKey("primary") ? node(m.get("primary"), at + ".primary") : null;
            List<NodeSpec> replicas = new ArrayList<>();
            if (m.containsKey("replicas")) {
                Node rn = m.get("replicas");
                if (rn instanceof SequenceNode rs) {
                    for (int r = 0; r < rs.getValue().size(); r++) {
                        NodeSpec spec = node(rs.getValue().get(r), at + ".replicas[" + r + "]");
                        if (spec != null) {
                            replicas.add(spec);
                        }
                    }
                } else {
                    problem(at + ".replicas", rn, "must be a list of nodes", null);
                }
            }
            PoolSpec pool = m.containsKey("pool") ? pool(m.get("pool"), at + ".pool") : PoolSpec.UNSET;
            List<BucketRange> buckets = m.containsKey("buckets") ? buckets(m.get("buckets"), at + ".buckets") : List.of();
            Long maxLag = m.containsKey("max-lag-ms") ? longValue(m.get("max-lag-ms"), at + ".max-lag-ms") : null;
            b.shard(new ShardSpec(name, primary, replicas, pool, buckets, maxLag));
        }
    }

    private void readTables(Node node, Rules.Builder b) {
        if (!(node instanceof MappingNode tm)) {
            problem("tables", node, "must be a mapping of table name to its rule", null);
            return;
        }
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : tm.getValue()) {
            String table = keyOf(t);
            String at = "tables." + table;
            if (!seen.add(table)) {
                lines.put(at, line(t.getKeyNode()));
                problem(at, t.getKeyNode(), "is listed twice", table);
                continue;
            }
            lines.put(at, line(t.getKeyNode()));
            Map<String, Node> m = mapping(t.getValueNode(), at, TABLE_KEYS);
            if (m == null) {
                continue;
            }
            if (!m.containsKey("strategy")) {
                problem(at + ".strategy", t.getKeyNode(), "is missing; expected one of " + Strategy.tokens(), null);
                continue;
            }
            String token = string(m.get("strategy"), at + ".strategy");
            Strategy strategy = token == null ? null : Strategy.fromToken(token).orElse(null);
            if (strategy == null) {
                if (token != null) {
                    problem(at + ".strategy", m.get("strategy"), "must be one of " + Strategy.tokens(), token);
                }
                continue;
            }
            String key = m.containsKey("key") ? string(m.get("key"), at + ".key") : null;
            String time = m.containsKey("time") ? string(m.get("time"), at + ".time") : null;
            YearMonth first = m.containsKey("first-month") ? month(m.get("first-month"), at + ".first-month") : null;
            Integer ahead = m.containsKey("months-ahead") ? integer(m.get("months-ahead"), at + ".months-ahead") : null;
            YearMonth last = m.containsKey("last-month") ? month(m.get("last-month"), at + ".last-month") : null;
            String id = m.containsKey("id") ? string(m.get("id"), at + ".id") : null;
            Boolean fullScan = m.containsKey("allow-full-scan") ? bool(m.get("allow-full-scan"), at + ".allow-full-scan")
                    : null;
            Integer maxMonths = m.containsKey("max-months-per-query")
                    ? integer(m.get("max-months-per-query"), at + ".max-months-per-query") : null;
            b.table(new TableSpec(table, strategy, key, time, first, ahead, last, id, Boolean.TRUE.equals(fullScan),
                    maxMonths));
        }
    }

    private void readCache(Node node, Rules.Builder b) {
        Map<String, Node> m = mapping(node, "cache", CACHE_KEYS);
        if (m == null) {
            return;
        }
        CacheSpec.Builder c = CacheSpec.builder();
        if (m.containsKey("required")) {
            Boolean v = bool(m.get("required"), "cache.required");
            if (v != null) {
                c.required(v);
            }
        }
        if (m.containsKey("namespace")) {
            c.namespace(string(m.get("namespace"), "cache.namespace"));
        }
        Map<String, Node> r = m.containsKey("redis") ? mapping(m.get("redis"), "cache.redis", REDIS_KEYS) : null;
        if (r != null) {
            if (r.containsKey("mode")) {
                String v = string(r.get("mode"), "cache.redis.mode");
                CacheSpec.RedisMode.fromToken(v).ifPresentOrElse(c::mode, () -> problem("cache.redis.mode", r.get("mode"),
                        "must be one of " + CacheSpec.RedisMode.tokens(), v));
            }
            if (r.containsKey("address")) {
                c.address(string(r.get("address"), "cache.redis.address"));
            }
            if (r.containsKey("nodes")) {
                Node nn = r.get("nodes");
                List<String> nodes = new ArrayList<>();
                List<Node> items = nn instanceof SequenceNode s ? s.getValue() : List.of(nn);
                for (int i = 0; i < items.size(); i++) {
                    lines.put("cache.redis.nodes[" + i + "]", line(items.get(i)));
                    String v = string(items.get(i), "cache.redis.nodes[" + i + "]");
                    if (v != null) {
                        nodes.add(v);
                    }
                }
                c.nodes(nodes);
            }
            if (r.containsKey("master-name")) {
                c.masterName(string(r.get("master-name"), "cache.redis.master-name"));
            }
            if (r.containsKey("username")) {
                c.username(string(r.get("username"), "cache.redis.username"));
            }
            if (r.containsKey("password")) {
                c.password(Secret.of(string(r.get("password"), "cache.redis.password")));
            }
            if (r.containsKey("database")) {
                Integer v = integer(r.get("database"), "cache.redis.database");
                if (v != null) {
                    c.database(v);
                }
            }
            if (r.containsKey("connect-timeout-ms")) {
                Integer v = integer(r.get("connect-timeout-ms"), "cache.redis.connect-timeout-ms");
                if (v != null) {
                    c.connectTimeoutMs(v);
                }
            }
            if (r.containsKey("timeout-ms")) {
                Integer v = integer(r.get("timeout-ms"), "cache.redis.timeout-ms");
                if (v != null) {
                    c.timeoutMs(v);
                }
            }
        }
        Map<String, Node> br = m.containsKey("breaker") ? mapping(m.get("breaker"), "cache.breaker", BREAKER_KEYS) : null;
        if (br != null) {
            if (br.containsKey("failure-threshold")) {
                Integer v = integer(br.get("failure-threshold"), "cache.breaker.failure-threshold");
                if (v != null) {
                    c.failureThreshold(v);
                }
            }
            if (br.containsKey("open-ms")) {
                Long v = longValue(br.get("open-ms"), "cache.breaker.open-ms");
                if (v != null) {
                    c.openMs(v);
                }
            }
        }
        Map<String, Node> sf = m.containsKey("single-flight")
                ? mapping(m.get("single-flight"), "cache.single-flight", SINGLE_FLIGHT_KEYS) : null;
        if (sf != null) {
            if (sf.containsKey("lease-ms")) {
                Long v = longValue(sf.get("lease-ms"), "cache.single-flight.lease-ms");
                if (v != null) {
                    c.leaseMs(v);
                }
            }
            if (sf.containsKey("wait-ms")) {
                Long v = longValue(sf.get("wait-ms"), "cache.single-flight.wait-ms");
                if (v != null) {
                    c.waitMs(v);
                }
            }
        }
        if (m.containsKey("entities")) {
            readCacheEntities(m.get("entities"), c);
        }
        List<Rules.Problem> cacheProblems = c.validate();
        for (Rules.Problem p : cacheProblems) {
            if (!alreadyReported(p.key())) {
                problems.add(p);
            }
        }
        if (cacheProblems.isEmpty()) {
            b.cache(c.build());
        }
    }

    private void readCacheEntities(Node node, CacheSpec.Builder c) {
        if (!(node instanceof MappingNode em)) {
            problem("cache.entities", node, "must be a mapping of entity name to its settings", null);
            return;
        }
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : em.getValue()) {
            String name = keyOf(t);
            String at = "cache.entities." + name;
            lines.put(at, line(t.getKeyNode()));
            if (!seen.add(name)) {
                problem(at, t.getKeyNode(), "is listed twice", name);
                continue;
            }
            Map<String, Node> m = mapping(t.getValueNode(), at, ENTITY_KEYS);
            if (m == null) {
                continue;
            }
            CacheEntitySpec e = CacheEntitySpec.of(name);
            if (m.containsKey("version")) {
                Integer v = integer(m.get("version"), at + ".version");
                e = v == null ? e : e.withVersion(v);
            }
            if (m.containsKey("ttl-seconds")) {
                Long v = longValue(m.get("ttl-seconds"), at + ".ttl-seconds");
                e = v == null ? e : e.withTtlSeconds(v);
            }
            if (m.containsKey("jitter")) {
                Double v = decimal(m.get("jitter"), at + ".jitter");
                e = v == null ? e : e.withJitter(v);
            }
            if (m.containsKey("negative-ttl-seconds")) {
                Long v = longValue(m.get("negative-ttl-seconds"), at + ".negative-ttl-seconds");
                e = v == null ? e : e.withNegativeTtlSeconds(v);
            }
            if (m.containsKey("near-cache")) {
                Boolean v = bool(m.get("near-cache"), at + ".near-cache");
                e = v == null ? e : e.withNearCache(v);
            }
            if (m.containsKey("near-cache-size")) {
                Integer v = integer(m.get("near-cache-size"), at + ".near-cache-size");
                e = v == null ? e : e.withNearCacheSize(v);
            }
            if (m.containsKey("near-ttl-seconds")) {
                Long v = longValue(m.get("near-ttl-seconds"), at + ".near-ttl-seconds");
                e = v == null ? e : e.withNearTtlSeconds(v);
            }
            c.entity(e);
        }
    }

    private NodeSpec node(Node n, String at) {
        lines.put(at, line(n));
        if (n instanceof ScalarNode) {
            String url = string(n, at);
            return url == null ? null : new NodeSpec(url, null, Secret.none(), 1);
        }
        Map<String, Node> m = mapping(n, at, NODE_KEYS);
        if (m == null) {
            return null;
        }
        if (!m.containsKey("url")) {
            problem(at + ".url", n, "is missing", null);
            return null;
        }
        String url = string(m.get("url"), at + ".url");
        String user = m.containsKey("username") ? string(m.get("username"), at + ".username") : null;
        String pass = m.containsKey("password") ? string(m.get("password"), at + ".password") : null;
        Integer weight = m.containsKey("weight") ? integer(m.get("weight"), at + ".weight") : Integer.valueOf(1);
        SslMode ssl = null;
        if (m.containsKey("ssl-mode")) {
            String v = string(m.get("ssl-mode"), at + ".ssl-mode");
            ssl = v == null ? null : SslMode.fromToken(v).orElse(null);
            if (v != null && ssl == null) {
                problem(at + ".ssl-mode", m.get("ssl-mode"), "must be one of " + SslMode.tokens(), v);
            }
        }
        return url == null ? null : new NodeSpec(url, user, Secret.of(pass), weight == null ? 1 : weight, ssl);
    }

    private PoolSpec pool(Node n, String at) {
        Map<String, Node> m = mapping(n, at, POOL_KEYS);
        if (m == null) {
            return PoolSpec.UNSET;
        }
        return new PoolSpec(
                m.containsKey("maximum-size") ? integer(m.get("maximum-size"), at + ".maximum-size") : null,
                m.containsKey("minimum-idle") ? integer(m.get("minimum-idle"), at + ".minimum-idle") : null,
                m.containsKey("connection-timeout-ms") ? longValue(m.get("connection-timeout-ms"), at + ".connection-timeout-ms") : null,
                m.containsKey("idle-timeout-ms") ? longValue(m.get("idle-timeout-ms"), at + ".idle-timeout-ms") : null,
                m.containsKey("max-lifetime-ms") ? longValue(m.get("max-lifetime-ms"), at + ".max-lifetime-ms") : null,
                m.containsKey("validation-timeout-ms") ? longValue(m.get("validation-timeout-ms"), at + ".validation-timeout-ms") : null);
    }

    private List<BucketRange> buckets(Node n, String at) {
        List<Node> items = n instanceof SequenceNode s ? s.getValue() : List.of(n);
        List<BucketRange> out = new ArrayList<>();
        for (Node item : items) {
            String text = string(item, at);
            if (text == null) {
                continue;
            }
            for (String part : text.split(",")) {
                try {
                    out.add(BucketRange.parse(part));
                } catch (IllegalArgumentException e) {
                    problem(at, item, "is not a bucket range", part.trim(), "FROM-TO such as 0-511, or a list of them");
                }
            }
        }
        return out;
    }

    /** The mapping's entries, reporting unknown and duplicate keys; null (and a problem) if it is not a mapping. */
    private Map<String, Node> mapping(Node n, String at, List<String> allowed) {
        if (!(n instanceof MappingNode mn)) {
            problem(at.isEmpty() ? "rules" : at, n, "must be a mapping with keys " + allowed, null);
            return null;
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : mn.getValue()) {
            String k = keyOf(t);
            String path = at.isEmpty() ? k : at + "." + k;
            lines.put(path, line(t.getKeyNode()));
            if (!allowed.contains(k)) {
                String near = suggest(k, allowed);
                lines.putIfAbsent(path, line(t.getKeyNode()));
                reportedKeys.add(path);
                problems.add(new Rules.Problem(path, path + " is not a known key" + (near == null ? ""
                        : " (did you mean '" + near + "'?)") + "; expected one of " + allowed, k, "one of " + allowed));
            } else if (out.put(k, t.getValueNode()) != null) {
                problem(path, t.getKeyNode(), "is given twice", null);
            }
        }
        return out;
    }

    private String string(Node n, String at) {
        if (!(n instanceof ScalarNode s)) {
            problem(at, n, "must be a single value, not a list or mapping", null);
            return null;
        }
        if ("tag:yaml.org,2002:null".equals(s.getTag().getValue())) {
            return null;
        }
        return resolveEnv(s.getValue(), at, n);
    }

    private String resolveEnv(String value, String at, Node n) {
        Matcher m = ENV.matcher(value);
        StringBuilder sb = new StringBuilder();
        boolean ok = true;
        while (m.find()) {
            String v = env.apply(m.group(1));
            if (v == null) {
                lines.putIfAbsent(at, line(n));
                reportedKeys.add(at);
                problems.add(Rules.Problem.plain(at, at + ": ${" + m.group(1) + "} is not set in the environment"));
                ok = false;
                v = "";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return ok ? sb.toString() : null;
    }

    private Integer integer(Node n, String at) {
        Long v = longValue(n, at);
        if (v == null) {
            return null;
        }
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            problem(at, n, "is out of range", v, "a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
            return null;
        }
        return v.intValue();
    }

    private Long longValue(Node n, String at) {
        String s = string(n, at);
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            problem(at, n, "must be a whole number", s);
            return null;
        }
    }

    private Double decimal(Node n, String at) {
        String s = string(n, at);
        if (s == null) {
            return null;
        }
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            problem(at, n, "must be a number", s);
            return null;
        }
    }

    private Boolean bool(Node n, String at) {
        String s = string(n, at);
        if ("true".equals(s)) {
            return Boolean.TRUE;
        }
        if ("false".equals(s)) {
            return Boolean.FALSE;
        }
        if (s != null) {
            problem(at, n, "must be one of [true, false]", s);
        }
        return null;
    }

    private YearMonth month(Node n, String at) {
        String s = string(n, at);
        if (s == null) {
            return null;
        }
        try {
            return YearMonth.parse(s.trim());
        } catch (DateTimeParseException e) {
            problem(at, n, "is not a month", s, "YYYY-MM such as 2026-01");
            return null;
        }
    }

    private void problem(String key, Node n, String what, Object was) {
        problem(key, n, what, was, null);
    }

    private void problem(String key, Node n, String what, Object was, String expected) {
        if (n != null) {
            lines.putIfAbsent(key, line(n));
        }
        reportedKeys.add(key);
        problems.add(new Rules.Problem(key, key + " " + what + (was == null ? "" : "; was '" + was + "'")
                + (expected == null ? "" : (was == null ? "; expected " : ", expected ") + expected),
                was == null ? null : String.valueOf(was), expected));
    }

    /**
     * The known key closest to an unknown one (edit distance at most 2, one starts the other as {@code replica}, or
     * its words abbreviate the known key's as {@code max-size}); null when none is close.
     */
    static String suggest(String unknown, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String u = unknown.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        for (String k : known) {
            int d = distance(u, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        if (best == null) {
            return null;
        }
        if (bestDistance <= Math.min(2, Math.max(1, u.length() / 3))) {
            return best;
        }
        for (String k : known) {
            if (u.length() >= 4 && (k.startsWith(u) || u.startsWith(k) && k.length() >= 4) || abbreviates(u, k)) {
                return k;
            }
        }
        return null;
    }

    /** Whether each dash-separated word of {@code u} starts the same word of {@code k} ({@code max-size}, {@code maximum-size}). */
    private static boolean abbreviates(String u, String k) {
        String[] a = u.split("-");
        String[] b = k.split("-");
        if (a.length != b.length || a.length < 2) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i].isEmpty() || !b[i].startsWith(a[i])) {
                return false;
            }
        }
        return true;
    }

    /** Levenshtein distance (with adjacent transpositions counted once). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /**
     * Whether the reader already reported this key or a key inside it: a builder problem about {@code shards[0].primary}
     * adds nothing when {@code shards[0].primary.url} was reported.
     */
    private boolean alreadyReported(String key) {
        for (String r : reportedKeys) {
            if (r.equals(key) || r.startsWith(key + ".") || r.startsWith(key + "[")) {
                return true;
            }
        }
        return false;
    }

    private RulesProblem detail(Rules.Problem p) {
        Integer line = lines.get(p.key());
        String k = p.key();
        while (line == null && k.contains(".")) {
            k = k.substring(0, k.lastIndexOf('.'));
            line = lines.get(k);
        }
        return new RulesProblem(source, line, p.key(), p.value(), p.expected(),
                source + (line == null ? "" : ":" + line) + ": " + p.text());
    }

    private static String keyOf(NodeTuple t) {
        return t.getKeyNode() instanceof ScalarNode s ? s.getValue() : String.valueOf(t.getKeyNode());
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }
}
