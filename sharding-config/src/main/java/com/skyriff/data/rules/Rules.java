package com.skyriff.data.rules;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The validated sharding rules: shards with their nodes, logical tables with their strategies, and the settings that
 * apply to all of them. Built only through {@link #builder()} (the rules file is replayed through the same builder by
 * {@link RulesReader}), so both share one set of checks. Immutable, thread-safe.
 */
public final class Rules {
    /** Names the layer accepts for shards, tables and columns: lower-case SQL identifiers. */
    static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    static final int MAX_BUCKETS = 65_536;
    static final int MAX_WORKER_ID = 1023;
    static final int MAX_MONTHS_AHEAD = 120;

    private final String name;
    private final List<ShardSpec> shards;
    private final Map<String, TableSpec> tables;
    private final int bucketCount;
    private final String defaultShard;
    private final LoadBalancing loadBalancing;
    private final boolean createMissingMonths;
    private final boolean singleShardPath;
    private final ZoneId monthZone;
    private final int workerId;
    private final PoolSpec pool;
    private final Map<String, String> props;
    private final UserBuckets buckets;
    private final CacheSpec cache;
    private final HealthSpec health;
    private final CrossShardWrites crossShardWrites;
    private final SqlLog sqlLog;

    private Rules(Builder b) {
        this.name = b.name;
        this.pool = b.pool.over(PoolSpec.DEFAULTS);
        List<ShardSpec> resolved = new ArrayList<>();
        for (ShardSpec s : b.shards) {
            List<NodeSpec> replicas = s.replicas().stream().map(r -> r.inheritCredentials(s.primary())).toList();
            resolved.add(new ShardSpec(s.name(), s.primary(), replicas, s.pool().over(pool), s.buckets(), s.maxLagMs()));
        }
        this.shards = List.copyOf(resolved);
        this.tables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.tables));
        this.bucketCount = b.bucketCount;
        this.defaultShard = b.defaultShard != null ? b.defaultShard : shards.get(0).name();
        this.loadBalancing = b.loadBalancing;
        this.createMissingMonths = b.createMissingMonths;
        this.singleShardPath = b.singleShardPath;
        this.monthZone = b.monthZone;
        this.workerId = b.workerId;
        this.props = Map.copyOf(b.props);
        this.buckets = assignBuckets(shards, bucketCount);
        this.cache = b.cache;
        this.health = b.health;
        this.crossShardWrites = b.crossShardWrites;
        this.sqlLog = b.sqlLog;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The logical database name ShardingSphere reports. */
    public String name() {
        return name;
    }

    public List<ShardSpec> shards() {
        return shards;
    }

    public Optional<ShardSpec> shard(String shardName) {
        return shards.stream().filter(s -> s.name().equals(shardName)).findFirst();
    }

    /** Logical tables in the order the rules list them. */
    public Map<String, TableSpec> tables() {
        return tables;
    }

    public Optional<TableSpec> table(String tableName) {
        return Optional.ofNullable(tables.get(tableName));
    }

    public int bucketCount() {
        return bucketCount;
    }

    public UserBuckets buckets() {
        return buckets;
    }

    public String defaultShard() {
        return defaultShard;
    }

    public LoadBalancing loadBalancing() {
        return loadBalancing;
    }

    /** Whether the layer creates missing month tables of the window at startup (from the logical table's definition). */
    public boolean createMissingMonths() {
        return createMissingMonths;
    }

    /**
     * Whether a statement whose sharded tables its shard-key conditions pin to one shard runs as one physical
     * statement on that shard ({@code single-shard-path:}, default true); false sends every statement through
     * ShardingSphere.
     */
    public boolean singleShardPath() {
        return singleShardPath;
    }

    /** The zone in which a timestamp's calendar month is taken. */
    public ZoneId monthZone() {
        return monthZone;
    }

    /** Snowflake worker id of this process (0..1023); give each running instance its own. */
    public int workerId() {
        return workerId;
    }

    /** Pool settings every node starts from, before its shard's overrides. */
    public PoolSpec pool() {
        return pool;
    }

    /** ShardingSphere properties passed through ({@code sql-show}, ...). */
    public Map<String, String> props() {
        return props;
    }

    /** The {@code cache:} section (Redis and the cached entities), if the rules have one. */
    public Optional<CacheSpec> cache() {
        return Optional.ofNullable(cache);
    }

    /** The {@code health:} section: node checks, replica rotation, read-your-writes, timeouts. */
    public HealthSpec health() {
        return health;
    }

    /** Whether one transaction or statement may write to several shards ({@code cross-shard-transactions:}). */
    public CrossShardWrites crossShardWrites() {
        return crossShardWrites;
    }

    /** The {@code sql-log:} setting; empty leaves ShardingSphere's {@code sql-show}/{@code sql-simple} props alone. */
    public Optional<SqlLog> sqlLog() {
        return Optional.ofNullable(sqlLog);
    }

    /**
     * Every physical server, shard by shard, primary first. A shard without replicas has its primary registered
     * under the shard's own name; otherwise the shard's name is the read/write-splitting group.
     */
    public List<PhysicalNode> nodes() {
        List<PhysicalNode> out = new ArrayList<>();
        for (ShardSpec s : shards) {
            String primaryName = s.replicas().isEmpty() ? s.name() : s.primaryDataSourceName();
            out.add(new PhysicalNode(primaryName, s.name(), true, -1, s.primary(), s.pool()));
            for (int i = 0; i < s.replicas().size(); i++) {
                out.add(new PhysicalNode(s.replicaDataSourceName(i), s.name(), false, i, s.replicas().get(i), s.pool()));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "Rules[name=" + name + ", shards=" + shards + ", tables=" + tables.values() + ", bucketCount="
                + bucketCount + ", defaultShard=" + defaultShard + ", loadBalancing=" + loadBalancing + "]";
    }

    private static UserBuckets assignBuckets(List<ShardSpec> shards, int bucketCount) {
        int[] owner = new int[bucketCount];
        if (shards.size() == 1 && shards.get(0).buckets().isEmpty()) {
            return new UserBuckets(owner, List.of(shards.get(0).name()));
        }
        for (int s = 0; s < shards.size(); s++) {
            for (BucketRange r : shards.get(s).buckets()) {
                Arrays.fill(owner, r.from(), r.to() + 1, s);
            }
        }
        return new UserBuckets(owner, shards.stream().map(ShardSpec::name).toList());
    }

    /**
     * Collects the settings and checks them all at {@link #build()}, reporting every problem at once. Not thread-safe.
     */
    public static final class Builder {
        private String name = "skyriff";
        private final List<ShardSpec> shards = new ArrayList<>();
        private final Map<String, TableSpec> tables = new LinkedHashMap<>();
        private final List<String> duplicateTables = new ArrayList<>();
        private int bucketCount = 1024;
        private String defaultShard;
        private LoadBalancing loadBalancing = LoadBalancing.ROUND_ROBIN;
        private boolean createMissingMonths;
        private boolean singleShardPath = true;
        private ZoneId monthZone = ZoneId.of("UTC");
        private int workerId;
        private PoolSpec pool = PoolSpec.UNSET;
        private final Map<String, String> props = new TreeMap<>();
        private Clock clock = Clock.systemUTC();
        private CacheSpec cache;
        private HealthSpec health = HealthSpec.DEFAULTS;
        private CrossShardWrites crossShardWrites = CrossShardWrites.REFUSE;
        private SqlLog sqlLog;

        private Builder() {
        }

        public Builder name(String value) {
            this.name = value;
            return this;
        }

        public Builder shard(ShardSpec shard) {
            shards.add(shard);
            return this;
        }

        public Builder table(TableSpec table) {
            if (tables.putIfAbsent(table.name(), table) != null) {
                duplicateTables.add(table.name());
            }
            return this;
        }

        public Builder bucketCount(int value) {
            this.bucketCount = value;
            return this;
        }

        public Builder defaultShard(String value) {
            this.defaultShard = value;
            return this;
        }

        public Builder loadBalancing(LoadBalancing value) {
            this.loadBalancing = value;
            return this;
        }

        public Builder createMissingMonths(boolean value) {
            this.createMissingMonths = value;
            return this;
        }

        /** {@code single-shard-path:} (default true); see {@link Rules#singleShardPath()}. */
        public Builder singleShardPath(boolean value) {
            this.singleShardPath = value;
            return this;
        }

        public Builder monthZone(ZoneId value) {
            this.monthZone = value;
            return this;
        }

        public Builder workerId(int value) {
            this.workerId = value;
            return this;
        }

        public Builder pool(PoolSpec value) {
            this.pool = value;
            return this;
        }

        public Builder prop(String key, String value) {
            props.put(key, value);
            return this;
        }

        /** The cache settings (already checked by {@link CacheSpec.Builder#build()}). */
        public Builder cache(CacheSpec value) {
            this.cache = value;
            return this;
        }

        /** The {@code health:} settings; default {@link HealthSpec#DEFAULTS}. */
        public Builder health(HealthSpec value) {
            this.health = value;
            return this;
        }

        /** Default {@link CrossShardWrites#REFUSE}. */
        public Builder crossShardWrites(CrossShardWrites value) {
            this.crossShardWrites = value;
            return this;
        }

        /** What the SQL log shows; null (the default) leaves the {@code sql-show} / {@code sql-simple} props alone. */
        public Builder sqlLog(SqlLog value) {
            this.sqlLog = value;
            return this;
        }

        /** The clock used to check month windows (tests). */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** Validates everything and returns the rules, or throws {@link RulesException} listing every problem. */
        public Rules build() {
            List<Problem> problems = validate();
            if (!problems.isEmpty()) {
                throw new RulesException("rules", problems.stream().map(Problem::text).toList());
            }
            return new Rules(this);
        }

        List<Problem> validate() {
            List<Problem> out = new ArrayList<>();
            if (name == null || !IDENTIFIER.matcher(name).matches()) {
                out.add(Problem.of("name", "must be a lower-case identifier", name, "[a-z_][a-z0-9_]*"));
            }
            validateShards(out);
            validateTables(out);
            if (bucketCount < 1 || bucketCount > MAX_BUCKETS) {
                out.add(Problem.of("bucket-count", "is out of range", bucketCount, "1.." + MAX_BUCKETS));
            }
            if (workerId < 0 || workerId > MAX_WORKER_ID) {
                out.add(Problem.of("worker-id", "is out of range", workerId, "0.." + MAX_WORKER_ID));
            }
            if (loadBalancing == null) {
                out.add(Problem.of("load-balancer", "is missing", null, LoadBalancing.tokens()));
            }
            if (monthZone == null) {
                out.add(Problem.of("month-zone", "is missing", null, "a zone id such as UTC"));
            }
            validatePool("pool", pool, out);
            validateReliability(out);
            Set<String> known = ShardingSphereProps.keys();
            for (String key : props.keySet()) {
                if (!known.contains(key)) {
                    out.add(Problem.of("props." + key, "is not a ShardingSphere property", key, known));
                }
            }
            return out;
        }

        private void validateReliability(List<Problem> out) {
            if (health == null) {
                out.add(Problem.of("health", "is missing", null, "a health section or the defaults"));
            } else {
                health.validate(out);
            }
            if (crossShardWrites == null) {
                out.add(Problem.of("cross-shard-transactions", "is missing", null, CrossShardWrites.tokens()));
            }
            if (sqlLog != null) {
                for (String key : List.of("sql-show", "sql-simple")) {
                    if (props.containsKey(key)) {
                        out.add(Problem.plain("props." + key, "props." + key + " conflicts with sql-log: " + sqlLog
                                + "; set one of them"));
                    }
                }
            }
            for (int i = 0; i < shards.size(); i++) {
                ShardSpec shard = shards.get(i);
                List<NodeSpec> nodes = new ArrayList<>();
                nodes.add(shard.primary());
                nodes.addAll(shard.replicas());
                for (int n = 0; n < nodes.size(); n++) {
                    NodeSpec node = nodes.get(n);
                    if (node != null && node.sslMode() != null && node.url() != null
                            && node.url().toLowerCase(java.util.Locale.ROOT).contains("sslmode=")) {
                        String at = "shards[" + i + "]." + (n == 0 ? "primary" : "replicas[" + (n - 1) + "]");
                        out.add(Problem.plain(at + ".ssl-mode", at + ".ssl-mode conflicts with sslmode= in its url;"
                                + " set one of them"));
                    }
                }
                Long lag = shard.maxLagMs();
                if (lag != null && (lag < 1 || lag > 86_400_000)) {
                    out.add(Problem.of("shards[" + i + "].max-lag-ms", "is out of range", lag, "1..86400000"));
                }
            }
            for (TableSpec t : tables.values()) {
                String at = "tables." + t.name();
                boolean sharded = t.strategy() != Strategy.BROADCAST && t.strategy() != Strategy.SINGLE;
                if (t.allowFullScan() && !sharded) {
                    out.add(Problem.plain(at + ".allow-full-scan", at + ".allow-full-scan applies only to strategies "
                            + "[user, month, user+month]; strategy is " + t.strategy()));
                }
                if (t.maxMonthsPerQuery() != null) {
                    if (!t.strategy().byMonth()) {
                        out.add(Problem.plain(at + ".max-months-per-query", at + ".max-months-per-query applies only to "
                                + "strategies [month, user+month]; strategy is " + t.strategy()));
                    } else if (t.maxMonthsPerQuery() < 1 || t.maxMonthsPerQuery() > 1200) {
                        out.add(Problem.of(at + ".max-months-per-query", "is out of range", t.maxMonthsPerQuery(),
                                "1..1200"));
                    }
                }
            }
        }

        private void validateShards(List<Problem> out) {
            if (shards.isEmpty()) {
                out.add(Problem.plain("shards", "shards is empty; at least one shard with a primary is required"));
                return;
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; i < shards.size(); i++) {
                ShardSpec s = shards.get(i);
                String at = "shards[" + i + "]";
                if (s.name() == null || !IDENTIFIER.matcher(s.name()).matches()) {
                    out.add(Problem.of(at + ".name", "must be a lower-case identifier", s.name(), "[a-z_][a-z0-9_]*"));
                } else if (!names.add(s.name())) {
                    out.add(Problem.of(at + ".name", "is a duplicate shard name", s.name(), "a name used once"));
                }
                if (s.primary() == null) {
                    out.add(Problem.plain(at + ".primary", at + ".primary is missing; every shard needs exactly one primary"));
                } else {
                    validateNode(at + ".primary", s.primary(), out);
                }
                for (int r = 0; r < s.replicas().size(); r++) {
                    validateNode(at + ".replicas[" + r + "]", s.replicas().get(r), out);
                }
                validatePool(at + ".pool", s.pool(), out);
            }
            if (defaultShard != null && !names.contains(defaultShard)) {
                out.add(Problem.of("default-shard", "names no shard", defaultShard, names));
            }
            validateBuckets(out);
        }

        private void validateBuckets(List<Problem> out) {
            if (bucketCount < 1 || bucketCount > MAX_BUCKETS) {
                return;
            }
            if (shards.size() == 1 && shards.get(0).buckets().isEmpty()) {
                return;
            }
            int[] owner = new int[bucketCount];
            Arrays.fill(owner, -1);
            for (int i = 0; i < shards.size(); i++) {
                ShardSpec s = shards.get(i);
                String at = "shards[" + i + "].buckets";
                if (s.buckets().isEmpty()) {
                    out.add(Problem.plain(at, at + " is missing; with " + shards.size()
                            + " shards each shard must list the buckets it owns (0.." + (bucketCount - 1) + ")"));
                }
                for (BucketRange r : s.buckets()) {
                    if (r.from() < 0 || r.to() >= bucketCount || r.from() > r.to()) {
                        out.add(Problem.of(at, "has a range outside the buckets", r, "ranges within 0-" + (bucketCount - 1)));
                        continue;
                    }
                    // every overlapping stretch, whole: "overlaps shards[0] at buckets 500-511"
                    List<String> overlaps = new ArrayList<>();
                    for (int b = r.from(); b <= r.to(); b++) {
                        int other = owner[b];
                        if (other >= 0 && other != i) {
                            int start = b;
                            while (b + 1 <= r.to() && owner[b + 1] == other) {
                                b++;
                            }
                            overlaps.add("shards[" + other + "] at " + (start == b ? "bucket " + start
                                    : "buckets " + new BucketRange(start, b)));
                            continue;
                        }
                        owner[b] = i;
                    }
                    if (!overlaps.isEmpty()) {
                        out.add(Problem.of(at, "overlaps " + String.join(" and ", overlaps), r,
                                "each bucket owned by one shard"));
                    }
                }
            }
            List<BucketRange> missing = new ArrayList<>();
            for (int b = 0; b < bucketCount; b++) {
                if (owner[b] < 0) {
                    int start = b;
                    while (b + 1 < bucketCount && owner[b + 1] < 0) {
                        b++;
                    }
                    missing.add(new BucketRange(start, b));
                }
            }
            if (!missing.isEmpty() && shards.stream().noneMatch(s -> s.buckets().isEmpty())) {
                out.add(Problem.plain("shards", "shards[*].buckets leave buckets " + missing + " without a shard; every bucket 0-"
                        + (bucketCount - 1) + " needs exactly one"));
            }
        }

        private static void validateNode(String at, NodeSpec node, List<Problem> out) {
            if (node.url() == null || !node.url().startsWith("jdbc:postgresql://")) {
                out.add(Problem.of(at + ".url", "is not a PostgreSQL JDBC URL", node.url(), "jdbc:postgresql://HOST:PORT/DB"));
            } else if (hasUserInfo(node.url())) {
                out.add(Problem.of(at + ".url", "carries credentials before the host (user:password@), which the"
                        + " driver does not read and logs would show", node.url(),
                        "jdbc:postgresql://HOST:PORT/DB with the username and password keys"));
            }
            if (node.weight() < 1 || node.weight() > 100) {
                out.add(Problem.of(at + ".weight", "is out of range", node.weight(), "1..100"));
            }
        }

        /** Whether a {@code jdbc:postgresql://} URL has {@code user@} or {@code user:password@} before its host. */
        private static boolean hasUserInfo(String url) {
            int start = "jdbc:postgresql://".length();
            int end = start;
            while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
                end++;
            }
            return url.lastIndexOf('@', end - 1) >= start;
        }

        private static void validatePool(String at, PoolSpec p, List<Problem> out) {
            if (p.maximumSize() != null && (p.maximumSize() < 1 || p.maximumSize() > 1000)) {
                out.add(Problem.of(at + ".maximum-size", "is out of range", p.maximumSize(), "1..1000"));
            }
            if (p.minimumIdle() != null && p.minimumIdle() < 0) {
                out.add(Problem.of(at + ".minimum-idle", "is negative", p.minimumIdle(), "0..maximum-size"));
            }
            if (p.maximumSize() != null && p.minimumIdle() != null && p.minimumIdle() > p.maximumSize()) {
                out.add(Problem.of(at + ".minimum-idle", "exceeds maximum-size " + p.maximumSize(), p.minimumIdle(),
                        "0.." + p.maximumSize()));
            }
            checkMillis(at + ".connection-timeout-ms", p.connectionTimeoutMs(), 250, out);
            checkMillis(at + ".validation-timeout-ms", p.validationTimeoutMs(), 250, out);
            checkMillis(at + ".idle-timeout-ms", p.idleTimeoutMs(), 10_000, out);
            checkMillis(at + ".max-lifetime-ms", p.maxLifetimeMs(), 30_000, out);
        }

        private static void checkMillis(String key, Long v, long min, List<Problem> out) {
            if (v != null && v < min) {
                out.add(Problem.of(key, "is too small", v, ">= " + min));
            }
        }

        private void validateTables(List<Problem> out) {
            for (String dup : duplicateTables) {
                out.add(Problem.of("tables." + dup, "is listed twice", dup, "each table once"));
            }
            YearMonth now = monthZone == null ? YearMonth.now(clock) : YearMonth.now(clock.withZone(monthZone));
            for (TableSpec t : tables.values()) {
                String at = "tables." + t.name();
                if (!IDENTIFIER.matcher(t.name()).matches()) {
                    out.add(Problem.of(at, "is not a lower-case table name", t.name(), "[a-z_][a-z0-9_]*"));
                }
                Strategy s = t.strategy();
                checkColumn(at + ".key", t.keyColumn(), s.byUser(), s, out);
                checkColumn(at + ".time", t.timeColumn(), s.byMonth(), s, out);
                if (t.idColumn() != null && !IDENTIFIER.matcher(t.idColumn()).matches()) {
                    out.add(Problem.of(at + ".id", "is not a lower-case column name", t.idColumn(), "[a-z_][a-z0-9_]*"));
                }
                if (s.byMonth()) {
                    validateMonths(at, t, now, out);
                } else {
                    for (Object[] f : new Object[][] {{"first-month", t.firstMonth()}, {"months-ahead", t.monthsAhead()},
                            {"last-month", t.lastMonth()}}) {
                        if (f[1] != null) {
                            out.add(Problem.plain(at + "." + f[0], at + "." + f[0] + " applies only to strategies "
                                    + "[month, user+month]; strategy is " + s));
                        }
                    }
                }
            }
        }

        private static void validateMonths(String at, TableSpec t, YearMonth now, List<Problem> out) {
            if (t.firstMonth() == null) {
                out.add(Problem.of(at + ".first-month", "is missing", null, "a month such as 2026-01"));
            }
            if (t.monthsAhead() == null && t.lastMonth() == null) {
                out.add(Problem.of(at + ".months-ahead", "is missing", null, "0.." + MAX_MONTHS_AHEAD));
            } else if (t.monthsAhead() != null && (t.monthsAhead() < 0 || t.monthsAhead() > MAX_MONTHS_AHEAD)) {
                out.add(Problem.of(at + ".months-ahead", "is out of range", t.monthsAhead(), "0.." + MAX_MONTHS_AHEAD));
            }
            if (t.firstMonth() == null) {
                return;
            }
            if (t.lastMonth() != null && t.lastMonth().isBefore(t.firstMonth())) {
                out.add(Problem.of(at + ".last-month", "is before first-month " + t.firstMonth()
                        + " (the month range runs backwards)", t.lastMonth(), "a month >= " + t.firstMonth()));
            } else if (t.lastMonth() == null && t.monthsAhead() != null && t.monthsAhead() >= 0) {
                YearMonth last = now.plusMonths(t.monthsAhead());
                if (last.isBefore(t.firstMonth())) {
                    out.add(Problem.of(at + ".first-month", "is after the window's last month " + last
                            + " (current month " + now + " + months-ahead " + t.monthsAhead()
                            + "; the month range runs backwards)", t.firstMonth(), "a month <= " + last));
                }
            }
        }

        private static void checkColumn(String key, String column, boolean required, Strategy s, List<Problem> out) {
            if (required && (column == null || column.isBlank())) {
                out.add(Problem.plain(key, key + " is missing; strategy " + s + " needs this column"));
            } else if (!required && column != null) {
                out.add(Problem.plain(key, key + " does not apply to strategy " + s + "; was '" + column + "'"));
            } else if (column != null && !IDENTIFIER.matcher(column).matches()) {
                out.add(Problem.of(key, "is not a lower-case column name", column, "[a-z_][a-z0-9_]*"));
            }
        }
    }

    /**
     * One problem: the key path it is about (for locating it in a file), the full text, and the value and expected
     * values it names (null when none).
     */
    record Problem(String key, String text, String value, String expected) {
        /** Every rules message masks credentials, whatever value it quotes ({@link Secret#mask(String)}). */
        Problem {
            text = Secret.mask(text);
            value = Secret.mask(value);
        }

        static Problem of(String key, String what, Object value, Object expected) {
            String was = value == null ? "" : "; was '" + value + "'";
            String exp = expected == null ? "" : (value == null ? "; expected " : ", expected ") + expected;
            return new Problem(key, key + " " + what + was + exp, value == null ? null : String.valueOf(value),
                    expected == null ? null : String.valueOf(expected));
        }

        static Problem plain(String key, String text) {
            return new Problem(key, text, null, null);
        }
    }

    static ZoneId parseZone(String zone) {
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            return null;
        }
    }
}
