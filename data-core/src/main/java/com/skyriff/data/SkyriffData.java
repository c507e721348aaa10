package com.skyriff.data;

import com.skyriff.data.health.NodeStatus;
import com.skyriff.data.health.ReadSession;
import com.skyriff.data.health.internal.HealthRuntime;
import com.skyriff.data.internal.MemoryRepository;
import com.skyriff.data.rules.NativeRules;
import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.RulesFile;
import com.skyriff.data.rules.Topology;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.shardingsphere.driver.api.ShardingSphereDataSourceFactory;
import org.apache.shardingsphere.driver.api.yaml.YamlShardingSphereDataSourceFactory;
import org.apache.shardingsphere.infra.config.mode.ModeConfiguration;
import org.apache.shardingsphere.mode.repository.standalone.StandalonePersistRepositoryConfiguration;

/**
 * The sharded, read/write-split PostgreSQL data source of one service, built from the rules. Writes go to each shard's
 * primary, plain reads to its replicas, every statement of a transaction to the primary; {@link #primaryScope()} forces
 * the primary for a block of code. Thread-safe.
 *
 * <pre>{@code
 * try (SkyriffData data = SkyriffData.builder().rulesFile(Path.of("rules.yaml")).build()) {
 *     DataSource ds = data.dataSource();
 *     ...
 * }
 * }</pre>
 */
public final class SkyriffData implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SkyriffData.class);
    private final Rules rules;
    private final DataSource dataSource;
    private final Map<String, HikariDataSource> pools;
    private final HealthRuntime health;
    /** How long each step of build() took; null in pass-through mode. */
    private final StartupPhases phases;

    private SkyriffData(Rules rules, DataSource dataSource, Map<String, HikariDataSource> pools) {
        this(rules, dataSource, pools, null, null);
    }

    private SkyriffData(Rules rules, DataSource dataSource, Map<String, HikariDataSource> pools, HealthRuntime health,
                        StartupPhases phases) {
        this.rules = rules;
        this.dataSource = dataSource;
        this.pools = pools;
        this.health = health;
        this.phases = phases;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The ShardingSphere data source: hand it to MyBatis, JdbcTemplate or plain JDBC. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The rules this was built from; empty in pass-through mode (native ShardingSphere YAML). */
    public Optional<Rules> rules() {
        return Optional.ofNullable(rules);
    }

    /** Forces the calling thread's statements to the primaries until the scope is closed (read-your-writes). */
    public PrimaryScope primaryScope() {
        return PrimaryScope.open();
    }

    /**
     * Runs {@code work} in one transaction on the shard primaries and commits it, rolling back if it throws; actions
     * registered with {@link Tx#afterCommit} run after the commit only. A nested call joins the outer transaction.
     */
    public <R> R inTransaction(Tx.Callback<R> work) throws SQLException {
        return Tx.run(dataSource, work);
    }

    /** {@link #inTransaction} for a block that returns nothing. */
    public void useTransaction(Tx.Work work) throws SQLException {
        Objects.requireNonNull(work, "work");
        Tx.run(dataSource, tx -> {
            work.run(tx);
            return null;
        });
    }

    /**
     * Moves the month windows to the clock's current time now, if they changed (the layer checks by itself every
     * minute; this is for operators and tests). Returns whether routing rolled over to new data nodes.
     *
     * @throws SQLException when a new month table is missing (and may not be created) or ShardingSphere fails to start
     */
    public boolean refreshMonthWindows() throws SQLException {
        return dataSource instanceof MonthWindowRoller roller && roller.refresh();
    }

    /**
     * Which path {@code sql} takes with {@code params} (0-based, as they would be bound) and why: the single-shard
     * path (the shard and the physical SQL), ShardingSphere (the reason), or a refusal (its message). Decides as an
     * execution would, without running anything, choosing a node or touching read-your-writes state.
     */
    public StatementRoute route(String sql, Object... params) {
        Objects.requireNonNull(sql, "sql");
        OneShardRouter router = dataSource instanceof MonthWindowRoller roller ? roller.router() : null;
        if (router == null) {
            return new StatementRoute(StatementRoute.Path.SHARDINGSPHERE, null, null,
                    rules == null ? "pass-through mode (native ShardingSphere YAML)" : "single-shard-path: false");
        }
        return route(router, sql, params);
    }

    /**
     * {@link #route(String, Object...)} without any connection, for the CLI's offline {@code route --sql}: the same
     * planner and decision over {@code topology} (as of its clock), outside a transaction. Not API: the signature may
     * change with the CLI.
     */
    public static StatementRoute routeOffline(Topology topology, String sql, Object... params) {
        Objects.requireNonNull(sql, "sql");
        Rules rules = topology.rules();
        if (!rules.singleShardPath()) {
            return new StatementRoute(StatementRoute.Path.SHARDINGSPHERE, null, null, "single-shard-path: false");
        }
        return route(OneShardRouter.offline(new OneShardRouter.Plans(rules, null), topology), sql, params);
    }

    private static StatementRoute route(OneShardRouter router, String sql, Object[] params) {
        OneShardPlan plan = router.plans.plan(sql);
        try {
            Object[] values = params == null ? new Object[0] : params.clone();
            if (plan.generated != null && plan.singleShard()) {
                values = plan.withGenerated(values, router.generateKey(plan));
            }
            OneShardRouter.Decision d = router.decide(plan, values);
            if (d.fallback() != null) {
                return new StatementRoute(StatementRoute.Path.SHARDINGSPHERE, null, null, d.fallback());
            }
            // a left-out id column shows as the added column and marker in the physical SQL (its value is generated
            // per execution)
            return new StatementRoute(StatementRoute.Path.SINGLE_SHARD, router.shardName(d.shard()), d.sql(),
                    d.primary() ? StatementRoute.ON_PRIMARY : StatementRoute.ON_REPLICA);
        } catch (com.skyriff.data.guard.RefusedStatementException e) {
            return new StatementRoute(StatementRoute.Path.REFUSED, null, null, e.getMessage());
        }
    }

    /**
     * Whether {@code sql} only reads, as the layer classifies it from ShardingSphere's PostgreSQL parse tree: a
     * SELECT without {@code FOR UPDATE/SHARE} or a data-modifying {@code WITH}, a {@code SHOW}, or an
     * {@code EXPLAIN} without {@code ANALYZE} of such a SELECT; false for anything else, and for a text the parser
     * cannot read. Uses the plan the layer caches per SQL text (the one its statements run with).
     */
    public boolean readsOnly(String sql) {
        Objects.requireNonNull(sql, "sql");
        OneShardRouter router = dataSource instanceof MonthWindowRoller roller ? roller.router() : null;
        if (router != null) {
            return router.plans.plan(sql).reads;
        }
        return readsOnlyStatement(sql);
    }

    /**
     * {@link #readsOnly(String)} without a data source (the same classification, through a parser of its own with
     * ShardingSphere's parse cache), for callers that hold no {@code SkyriffData}.
     */
    public static boolean readsOnlyStatement(String sql) {
        Objects.requireNonNull(sql, "sql");
        try {
            return OneShardPlan.readsOnly(ReadParser.ENGINE.parse(sql, false), sql);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The parser of {@link #readsOnlyStatement}: created on first use. */
    private static final class ReadParser {
        static final org.apache.shardingsphere.infra.parser.sql.SQLStatementParserEngine ENGINE =
                new org.apache.shardingsphere.infra.parser.sql.SQLStatementParserEngine(
                        org.apache.shardingsphere.infra.spi.type.typed.TypedSPILoader.getService(
                                org.apache.shardingsphere.infra.database.core.type.DatabaseType.class, "PostgreSQL"),
                        new org.apache.shardingsphere.sql.parser.api.CacheOption(64, 1024),
                        new org.apache.shardingsphere.sql.parser.api.CacheOption(64, 1024));
    }

    /** How long each step of {@link Builder#build()} took (the start-up measurement); null in pass-through mode. */
    StartupPhases startupPhases() {
        return phases;
    }

    /** The HikariCP pool of every physical node, by ShardingSphere data-source name (e.g. {@code shard0_replica_0}). */
    public Map<String, HikariDataSource> pools() {
        return pools;
    }

    /**
     * What the health checks last saw of every node (up, replay lag, in the read rotation or why not), in
     * {@code rules().nodes()} order; empty in pass-through mode.
     */
    public List<NodeStatus> nodeStatus() {
        return health == null ? List.of() : health.status();
    }

    /**
     * A new read-your-writes session to carry across threads or requests (each thread is its own session otherwise);
     * see {@code health.read-your-writes} in the rules and docs/reliability.md.
     *
     * @throws IllegalStateException in pass-through mode
     */
    public ReadSession readSession() {
        if (health == null) {
            throw new IllegalStateException("readSession: not available in pass-through mode (native ShardingSphere"
                    + " YAML); use compact rules");
        }
        return new ReadSession(health.newSession());
    }

    /**
     * Points the running layer at the node addresses and credentials of {@code fresh} (a promoted replica, a moved
     * server) without a restart; a data source built from a rules file does this by itself when the file changes.
     * Only node URLs, users, passwords and ssl-modes are applied; shards, node counts and tables must be unchanged.
     *
     * @throws IllegalArgumentException naming what changed shape
     * @throws IllegalStateException in pass-through mode
     */
    public void reloadNodes(Rules fresh) {
        if (health == null) {
            throw new IllegalStateException("reloadNodes: not available in pass-through mode");
        }
        health.updateNodes(Objects.requireNonNull(fresh, "fresh"));
    }

    /** Closes the ShardingSphere data source and every node pool. Idempotent. */
    @Override
    public void close() {
        if (health != null) {
            health.close();
        }
        RuntimeException failure = null;
        if (dataSource instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                failure = new SkyriffDataException("close: ShardingSphere data source failed to close", e);
            }
        }
        for (HikariDataSource pool : pools.values()) {
            pool.close();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Chooses the rules and builds. Not thread-safe. */
    public static final class Builder {
        private Rules rules;
        private NativeRules nativeRules;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meterRegistry;
        private Path rulesPath;

        private Builder() {
        }

        public Builder rules(Rules value) {
            this.rules = Objects.requireNonNull(value, "rules");
            this.rulesPath = null;
            return this;
        }

        /** A compact rules file, or a native ShardingSphere 5.5 YAML file (pass-through mode). */
        public Builder rulesFile(Path file) {
            RulesFile read = RulesFile.read(file, System::getenv, clock);
            if (read.isNative()) {
                this.nativeRules = read.nativeRules();
            } else {
                this.rules = read.rules();
                this.rulesPath = file;
            }
            return this;
        }

        public Builder nativeRules(NativeRules value) {
            this.nativeRules = Objects.requireNonNull(value, "nativeRules");
            return this;
        }

        /** Where every node pool reports its HikariCP metrics ({@code hikaricp.*}, tagged with the pool name). */
        public Builder meterRegistry(MeterRegistry value) {
            this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
            return this;
        }

        /** The clock month windows are computed from (tests). */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Opens the pools, checks (or creates, if the rules allow it) the month tables of every window, and starts
         * ShardingSphere.
         *
         * @throws SkyriffDataException naming the shard and node when a node cannot be reached or a table is missing
         */
        public SkyriffData build() {
            if (rules == null && nativeRules == null) {
                throw new IllegalStateException("SkyriffData.builder(): call rules(...), rulesFile(...) or nativeRules(...)"
                        + " before build()");
            }
            return nativeRules != null ? buildNative() : buildFromRules();
        }

        private SkyriffData buildFromRules() {
            StartupPhases phases = new StartupPhases();
            Map<String, HikariDataSource> pools = new LinkedHashMap<>();
            HealthRuntime health = null;
            try {
                for (PhysicalNode node : rules.nodes()) {
                    pools.put(node.dataSourceName(), NodePools.create(rules.name(), node, meterRegistry, rules.health()));
                }
                phases.mark("pools");
                Map<String, HikariDataSource> live = pools;
                // the first generation's topology: the health runtime, ShardingSphere and the router share it
                Topology topology = Topology.compile(rules, clock);
                phases.mark("topology");
                health = HealthRuntime.create(topology, pools,
                        node -> NodePools.create(rules.name(), node, meterRegistry, rules.health()), live::put,
                        meterRegistry, rulesPath, clock);
                phases.mark("health runtime");
                Map<String, DataSource> storage = health.dataSources();
                MonthWindowRoller ds = MonthWindowRoller.start(topology, pools, clock, health.key(), compiled -> {
                    try {
                        return ShardingSphereDataSourceFactory.createDataSource(rules.name(), mode(),
                                new LinkedHashMap<>(storage), compiled.configurations(), compiled.props());
                    } catch (SQLException e) {
                        throw new SkyriffDataException(rules.name() + " - ShardingSphere failed to start: "
                                + rootMessage(e), e);
                    }
                }, meterRegistry, phases);
                health.start();
                phases.mark("health start");
                LOG.debug("{} - built in {}", rules.name(), phases);
                return new SkyriffData(rules, ds, java.util.Collections.unmodifiableMap(pools), health, phases);
            } catch (SQLException | RuntimeException e) {
                if (health != null) {
                    health.close();
                }
                pools.values().forEach(HikariDataSource::close);
                if (e instanceof SkyriffDataException s) {
                    throw s;
                }
                throw new SkyriffDataException(rules.name() + " - ShardingSphere failed to start: " + rootMessage(e), e);
            }
        }

        private SkyriffData buildNative() {
            try {
                DataSource ds = YamlShardingSphereDataSourceFactory.createDataSource(nativeRules.yaml());
                return new SkyriffData(null, ds, Map.of());
            } catch (SQLException | java.io.IOException | RuntimeException e) {
                throw new SkyriffDataException(nativeRules.source() + " - ShardingSphere failed to start: "
                        + rootMessage(e), e);
            }
        }

        /**
         * Standalone mode over {@link MemoryRepository}: each data source its own repository in memory. ShardingSphere's
         * default, the {@code JDBC} repository on an in-memory H2 database, persisted every table's metadata (the
         * PostgreSQL system catalogs' included) one SQL statement per node and was a third of a cold start's CPU
         * (JFR; see {@link MemoryRepository}).
         */
        private static ModeConfiguration mode() {
            return new ModeConfiguration("Standalone",
                    new StandalonePersistRepositoryConfiguration(MemoryRepository.TYPE, new Properties()));
        }
    }

    static String rootMessage(Throwable e) {
        List<String> seen = new ArrayList<>();
        Throwable t = e;
        while (t != null && seen.size() < 8) {
            if (t.getMessage() != null && !seen.contains(t.getMessage())) {
                seen.add(t.getMessage());
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return seen.isEmpty() ? e.getClass().getName() : seen.get(seen.size() - 1);
    }
}
