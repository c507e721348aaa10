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
import com.skyriff.data.rules.watch.FileRulesSource;
import com.skyriff.data.rules.watch.RulesSource;
import com.skyriff.data.rules.watch.RulesWatcher;
import com.skyriff.data.rules.watch.ZooKeeperRulesSource;
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
    /** The generations of compact rules; null in pass-through mode. */
    private final MonthWindowRoller roller;
    /** {@link #roller}, or the native ShardingSphere data source in pass-through mode. */
    private final DataSource dataSource;
    /** Watches the rules source (file or ZooKeeper); null when built from a {@code Rules} value or native YAML. */
    private final RulesWatcher watcher;
    /** How long each step of build() took; null in pass-through mode. */
    private final StartupPhases phases;

    private SkyriffData(DataSource nativeSource) {
        this(null, nativeSource, null, null);
    }

    private SkyriffData(MonthWindowRoller roller, DataSource dataSource, RulesWatcher watcher, StartupPhases phases) {
        this.roller = roller;
        this.dataSource = dataSource;
        this.watcher = watcher;
        this.phases = phases;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The ShardingSphere data source: hand it to MyBatis, JdbcTemplate or plain JDBC. */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * The rules in force now (those it was built from, or the last change applied); empty in pass-through mode
     * (native ShardingSphere YAML).
     */
    public Optional<Rules> rules() {
        return roller == null ? Optional.empty() : Optional.of(roller.generation().rules());
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
        return roller != null && roller.refresh();
    }

    /**
     * Which path {@code sql} takes with {@code params} (0-based, as they would be bound) and why: the single-shard
     * path (the shard and the physical SQL), ShardingSphere (the reason), or a refusal (its message). Decides as an
     * execution would, without running anything, choosing a node or touching read-your-writes state.
     */
    public StatementRoute route(String sql, Object... params) {
        Objects.requireNonNull(sql, "sql");
        OneShardRouter router = roller != null ? roller.router() : null;
        if (router == null) {
            return new StatementRoute(StatementRoute.Path.SHARDINGSPHERE, null, null,
                    roller == null ? "pass-through mode (native ShardingSphere YAML)" : "single-shard-path: false");
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
            // a left-out id column is named apart; the physical SQL shows the statement as written
            return new StatementRoute(StatementRoute.Path.SINGLE_SHARD, router.shardName(d.shard()), plan.asWritten(d.sql()),
                    d.primary() ? StatementRoute.ON_PRIMARY : StatementRoute.ON_REPLICA,
                    plan.generated == null ? null : plan.generated.column());
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
        OneShardRouter router = roller != null ? roller.router() : null;
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

    /**
     * The HikariCP pool of every physical node of the rules in force, by ShardingSphere data-source name (e.g.
     * {@code shard0_replica_0}), in the rules' node order: a snapshot, replaced when the rules change.
     */
    public Map<String, HikariDataSource> pools() {
        return roller == null ? Map.of() : roller.generation().pools();
    }

    /**
     * What the health checks last saw of every node (up, replay lag, in the read rotation or why not), in
     * {@code rules().nodes()} order; empty in pass-through mode.
     */
    public List<NodeStatus> nodeStatus() {
        return roller == null ? List.of() : roller.generation().health().status();
    }

    /**
     * A new read-your-writes session to carry across threads or requests (each thread is its own session otherwise);
     * see {@code health.read-your-writes} in the rules and docs/reliability.md.
     *
     * @throws IllegalStateException in pass-through mode
     */
    public ReadSession readSession() {
        if (roller == null) {
            throw new IllegalStateException("readSession: not available in pass-through mode (native ShardingSphere"
                    + " YAML); use compact rules");
        }
        return new ReadSession(roller.generation().health().newSession(), () -> roller.generation().health());
    }

    /**
     * Switches the running layer to {@code fresh} without a restart (docs/live-rules.md): nodes added or removed,
     * addresses and credentials, pool sizes, months ahead, buckets moved between shards, shards added. A new
     * generation (topology, pools, health runtime, ShardingSphere, router) is built and swapped in at once; a
     * connection already handed out keeps the old one until it is closed, and the old one is closed after a grace
     * period. A data source built from a rules file or ZooKeeper does this by itself when the text changes.
     *
     * @throws SQLException when the new rules cannot start (a month table missing and not to be created, a primary
     *         unreachable); the previous rules keep running
     * @throws IllegalArgumentException when {@code fresh} names another logical database
     * @throws IllegalStateException in pass-through mode
     */
    public void reload(Rules fresh) throws SQLException {
        if (roller == null) {
            throw new IllegalStateException("reload: not available in pass-through mode (native ShardingSphere YAML)");
        }
        roller.reload(Objects.requireNonNull(fresh, "fresh"));
    }

    /**
     * {@link #reload(Rules)}, for callers written when only node addresses and credentials could change.
     *
     * @throws SkyriffDataException when the new rules cannot start; the previous rules keep running
     * @deprecated use {@link #reload(Rules)}, which applies every change
     */
    @Deprecated
    public void reloadNodes(Rules fresh) {
        try {
            reload(fresh);
        } catch (SQLException e) {
            throw new SkyriffDataException(fresh.name() + " - rules reload failed: " + rootMessage(e), e);
        }
    }

    /**
     * Reads the watched rules source now and applies a change (what the watch does by itself within a poll or a
     * ZooKeeper event).
     *
     * @throws IllegalStateException when this data source watches no source (built from a {@code Rules} value or
     *         native YAML)
     */
    public RulesWatcher.Outcome reloadRules() {
        if (watcher == null) {
            throw new IllegalStateException("reloadRules: this data source watches no rules source; build it with"
                    + " rulesFile(...) or zooKeeper(...), or call reload(rules)");
        }
        return watcher.check();
    }

    /**
     * The version of the watched rules in force (1: those it started with) and the last change refused since;
     * empty when no source is watched.
     */
    public Optional<RulesWatcher.Status> rulesStatus() {
        return watcher == null ? Optional.empty() : Optional.of(watcher.status());
    }

    /** Closes the ShardingSphere data source and every node pool. Idempotent. */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        if (roller != null) {
            roller.close();
            return;
        }
        if (dataSource instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new SkyriffDataException("close: ShardingSphere data source failed to close", e);
            }
        }
    }

    /** Chooses the rules and builds. Not thread-safe. */
    public static final class Builder {
        private Rules rules;
        private NativeRules nativeRules;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meterRegistry;
        /** A watched source of compact rules, or how to connect to one (ZooKeeper connects at build()). */
        private RulesSource source;
        private String zooKeeperConnect;
        private String zooKeeperPath;
        /** The call that chose the rules, for the message when a second one conflicts. */
        private String chosenBy;

        private Builder() {
        }

        private void choose(String call) {
            if (chosenBy != null) {
                throw new IllegalStateException("SkyriffData.builder()." + call + ": the rules were already chosen by "
                        + chosenBy + "; choose one of rules(...), rulesFile(...), zooKeeper(...), rulesSource(...),"
                        + " nativeRules(...)");
            }
            chosenBy = call;
        }

        /** Fixed rules: a change is applied only by {@link SkyriffData#reload(Rules)}. */
        public Builder rules(Rules value) {
            Objects.requireNonNull(value, "rules");
            choose("rules(" + value.name() + ")");
            this.rules = value;
            return this;
        }

        /**
         * A compact rules file, watched: a change of its content is checked and applied to the running data source
         * (docs/live-rules.md); or a native ShardingSphere 5.5 YAML file (pass-through mode, not watched).
         *
         * @throws com.skyriff.data.rules.RulesException listing every problem of the file
         */
        public Builder rulesFile(Path file) {
            Objects.requireNonNull(file, "file");
            RulesFile read = RulesFile.read(file, System::getenv, clock);
            choose("rulesFile(" + file + ")");
            if (read.isNative()) {
                this.nativeRules = read.nativeRules();
            } else {
                this.source = FileRulesSource.of(file);
            }
            return this;
        }

        /**
         * Compact rules in the ZooKeeper znode {@code path}, watched: every instance built on the same znode switches
         * when a writer publishes new rules ({@link ZooKeeperRulesSource#publish}). Connects at {@link #build()}.
         * Needs {@code org.apache.curator:curator-recipes} on the class path.
         *
         * @param connectString {@code host:port[,host:port...]}
         * @throws IllegalArgumentException naming {@code zookeeper.connect} or {@code zookeeper.path} when malformed
         */
        public Builder zooKeeper(String connectString, String path) {
            ZooKeeperRulesSource.check(connectString, path);
            choose("zooKeeper(" + connectString + ", " + path + ")");
            this.zooKeeperConnect = connectString;
            this.zooKeeperPath = path;
            return this;
        }

        /** Compact rules from any {@link RulesSource}, watched; the data source closes it. */
        public Builder rulesSource(RulesSource value) {
            Objects.requireNonNull(value, "rulesSource");
            choose("rulesSource(" + value.describe() + ")");
            this.source = value;
            return this;
        }

        public Builder nativeRules(NativeRules value) {
            Objects.requireNonNull(value, "nativeRules");
            choose("nativeRules(" + value.source() + ")");
            this.nativeRules = value;
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
            if (chosenBy == null) {
                throw new IllegalStateException("SkyriffData.builder(): call rules(...), rulesFile(...), zooKeeper(...),"
                        + " rulesSource(...) or nativeRules(...) before build()");
            }
            if (nativeRules != null) {
                return buildNative();
            }
            if (rules != null) {
                return buildFromRules(rules, null);
            }
            RulesSource from = source;
            if (from == null) {
                try {
                    from = ZooKeeperRulesSource.connect(zooKeeperConnect, zooKeeperPath);
                } catch (java.io.IOException e) {
                    throw new SkyriffDataException("zooKeeper(" + zooKeeperConnect + ", " + zooKeeperPath + "): "
                            + e.getMessage(), e);
                }
            }
            RulesWatcher watcher;
            try {
                watcher = RulesWatcher.open(from, System::getenv, clock);
            } catch (RuntimeException e) {
                from.close();
                throw e;
            }
            SkyriffData data;
            try {
                data = buildFromRules(watcher.initial(), watcher);
            } catch (RuntimeException e) {
                watcher.close();
                throw e;
            }
            MonthWindowRoller roller = data.roller;
            watcher.start(roller::reload);
            roller.reloadOnFence(() -> fenceReload(watcher));
            return data;
        }

        /** What reloading on a fenced write did, as a sentence of the caller's exception. */
        private static String fenceReload(RulesWatcher watcher) {
            RulesWatcher.Outcome outcome = watcher.check();
            RulesWatcher.Status status = watcher.status();
            String from = status.source();
            return switch (outcome) {
                case APPLIED, UNCHANGED -> "the rules were reloaded from " + from + " (version " + status.version()
                        + " runs)";
                case REFUSED -> "the rules were reloaded from " + from + " but the new text was refused (version "
                        + status.version() + " still runs; the log names the problems)";
                case UNREADABLE -> "the rules could not be reloaded: " + from + " cannot be read (version "
                        + status.version() + " still runs)";
            };
        }

        private SkyriffData buildFromRules(Rules rules, RulesWatcher watcher) {
            StartupPhases phases = new StartupPhases();
            Map<String, HikariDataSource> pools = new LinkedHashMap<>();
            HealthRuntime health = null;
            MonthWindowRoller ds = null;
            try {
                for (PhysicalNode node : rules.nodes()) {
                    pools.put(node.dataSourceName(), NodePools.create(rules.name(), node, meterRegistry, rules.health()));
                }
                phases.mark("pools");
                // the first generation's topology: the health runtime, ShardingSphere and the router share it
                Topology topology = Topology.compile(rules, clock);
                phases.mark("topology");
                health = HealthRuntime.create(topology, pools, meterRegistry, clock);
                phases.mark("health runtime");
                ds = MonthWindowRoller.start(topology, java.util.Collections.unmodifiableMap(pools), health, clock,
                        Builder::startShardingSphere, meterRegistry, phases);
                health.start();
                phases.mark("health start");
                LOG.debug("{} - built in {}", rules.name(), phases);
                return new SkyriffData(ds, ds, watcher, phases);
            } catch (SQLException | RuntimeException e) {
                if (ds != null) {
                    ds.close();
                } else {
                    if (health != null) {
                        health.close();
                    }
                    pools.values().forEach(HikariDataSource::close);
                }
                if (e instanceof SkyriffDataException s) {
                    throw s;
                }
                throw new SkyriffDataException(rules.name() + " - ShardingSphere failed to start: " + rootMessage(e), e);
            }
        }

        private SkyriffData buildNative() {
            try {
                DataSource ds = YamlShardingSphereDataSourceFactory.createDataSource(nativeRules.yaml());
                return new SkyriffData(ds);
            } catch (SQLException | java.io.IOException | RuntimeException e) {
                throw new SkyriffDataException(nativeRules.source() + " - ShardingSphere failed to start: "
                        + rootMessage(e), e);
            }
        }

        /** ShardingSphere over one generation's node data sources (those of its health runtime). */
        private static DataSource startShardingSphere(Rules rules, HealthRuntime health,
                                                      com.skyriff.data.rules.internal.ShardingSphereRules compiled) {
            try {
                return ShardingSphereDataSourceFactory.createDataSource(rules.name(), mode(),
                        new LinkedHashMap<>(health.dataSources()), compiled.configurations(), compiled.props());
            } catch (SQLException e) {
                throw new SkyriffDataException(rules.name() + " - ShardingSphere failed to start: " + rootMessage(e), e);
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
