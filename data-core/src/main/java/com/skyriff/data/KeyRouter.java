package com.skyriff.data;

import com.google.common.collect.Range;
import com.skyriff.data.health.internal.HealthRuntime;
import com.skyriff.data.health.internal.NodeDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.apache.shardingsphere.driver.jdbc.core.connection.ShardingSphereConnection;
import org.apache.shardingsphere.infra.datanode.DataNodeInfo;
import org.apache.shardingsphere.infra.hint.HintManager;
import org.apache.shardingsphere.infra.metadata.database.ShardingSphereDatabase;
import org.apache.shardingsphere.infra.metadata.database.resource.unit.StorageUnit;
import org.apache.shardingsphere.mode.manager.ContextManager;
import org.apache.shardingsphere.readwritesplitting.route.standard.StandardReadwriteSplittingDataSourceRouter;
import org.apache.shardingsphere.readwritesplitting.rule.ReadwriteSplittingDataSourceGroupRule;
import org.apache.shardingsphere.readwritesplitting.rule.ReadwriteSplittingRule;
import org.apache.shardingsphere.sharding.api.config.strategy.sharding.ShardingStrategyConfiguration;
import org.apache.shardingsphere.sharding.api.config.strategy.sharding.StandardShardingStrategyConfiguration;
import org.apache.shardingsphere.sharding.api.sharding.standard.PreciseShardingValue;
import org.apache.shardingsphere.sharding.api.sharding.standard.RangeShardingValue;
import org.apache.shardingsphere.sharding.api.sharding.standard.StandardShardingAlgorithm;
import org.apache.shardingsphere.sharding.rule.ShardingRule;
import org.apache.shardingsphere.sharding.rule.ShardingTable;
import org.apache.shardingsphere.sharding.spi.ShardingAlgorithm;

/**
 * The key-routed fast path: for a statement whose shard key the caller states (a repository's {@code findById}, the
 * insert of one row), the node and the physical table ShardingSphere would choose, computed by the very sharding
 * algorithm and replica load-balancer objects of the running ShardingSphere rules. The caller then runs its statement
 * (against the physical table name) on {@link Target#dataSource()}, the node's data source as ShardingSphere itself
 * uses it, and skips ShardingSphere's per-statement parse, route and rewrite.
 *
 * <p>Routing is identical to the ShardingSphere path for the same keys: user id through the bucket algorithm to the
 * shard, the time value through the month algorithm to the month table, writes to the shard's primary, plain reads to
 * the replica the shard's load balancer picks (health, lag and read-your-writes included), and reads to the primary
 * inside {@link PrimaryScope}. Each routed statement is reported to the session's read-your-writes tracking as a
 * statement through ShardingSphere is. Only for autocommit statements on one user's shard; inside a {@link Tx} use the
 * transaction's connection. The statements themselves never reach ShardingSphere, so its SQL auditors (the layer's
 * statement guard) do not see them. After a month rollover it follows the new ShardingSphere rules on its next call.
 * Thread-safe.
 *
 * <pre>{@code
 * KeyRouter router = KeyRouter.of(data);                         // once; reuse it
 * KeyRouter.Target t = router.read("users", userId);
 * try (Connection c = t.dataSource().getConnection();
 *      PreparedStatement ps = c.prepareStatement("SELECT name FROM " + t.table() + " WHERE user_id = ?")) {
 *     ps.setLong(1, userId);
 *     ...
 * }
 * }</pre>
 */
public final class KeyRouter {
    private final DataSource layer;
    private volatile Snapshot snapshot;

    private KeyRouter(DataSource layer, Snapshot first) {
        this.layer = layer;
        this.snapshot = first;
    }

    /**
     * The fast path of {@code data}'s sharded tables.
     *
     * @throws IllegalStateException if {@code data}'s data source is not a ShardingSphere data source
     */
    public static KeyRouter of(SkyriffData data) {
        Objects.requireNonNull(data, "data");
        DataSource layer = data.dataSource();
        return new KeyRouter(layer, Snapshot.of(shardingSphere(layer)));
    }

    /**
     * Where a plain read of one user's rows of a table sharded by user (strategy {@code user}) runs: a replica of the
     * user's shard as ShardingSphere's load balancer picks it, or the primary inside {@link PrimaryScope}.
     *
     * @throws IllegalArgumentException if the table is not sharded by user only
     * @throws IllegalStateException    inside a transaction, or under a ShardingSphere hint other than write-route-only
     */
    public Target read(String table, long userId) {
        return route(table, userId, null, false, "read");
    }

    /**
     * {@link #read(String, long)} for a table sharded by user and month ({@code user+month}); {@code time} picks the
     * month.
     */
    public Target read(String table, long userId, Object time) {
        return route(table, userId, Objects.requireNonNull(time, "time"), false, "read");
    }

    /** Where a write (or a locking read) of one user's rows of a table sharded by user runs: the shard's primary. */
    public Target write(String table, long userId) {
        return route(table, userId, null, true, "write");
    }

    /** {@link #write(String, long)} for a {@code user+month} table; {@code time} picks the month. */
    public Target write(String table, long userId, Object time) {
        return route(table, userId, Objects.requireNonNull(time, "time"), true, "write");
    }

    /**
     * Where a plain read of one user's rows in the time range {@code [from, to)} of a {@code user+month} table runs,
     * and its month tables, oldest first (ShardingSphere's routing of {@code time >= ? AND time < ?}).
     */
    public RangeTarget readRange(String table, long userId, Comparable<?> from, Comparable<?> to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        checkAutocommit("readRange", table);
        Snapshot s = current();
        TableRoute t = s.table(table, "readRange");
        t.requireTime(true, "readRange");
        String shard = t.shard(userId);
        @SuppressWarnings({"unchecked", "rawtypes"})
        Range<Comparable<?>> range = (Range) Range.closedOpen((Comparable) from, (Comparable) to);
        Collection<String> tables = t.tableAlgorithm.doSharding(t.tablesOf(shard),
                new RangeShardingValue<>(t.logic, t.timeColumn, t.tableInfo, range));
        s.session(shard, false);
        String node = s.node(shard, false);
        return new RangeTarget(shard, node, s.storage(node), List.copyOf(tables));
    }

    private Target route(String table, long userId, Object time, boolean write, String operation) {
        checkAutocommit(operation, table);
        Snapshot s = current();
        TableRoute t = s.table(table, operation);
        t.requireTime(time != null, operation);
        String shard = t.shard(userId);
        String physical = time == null ? t.logic : t.month(shard, time);
        s.session(shard, write);
        String node = s.node(shard, write);
        return new Target(shard, node, s.storage(node), physical);
    }

    /** The fast path runs outside transactions and ShardingSphere sharding hints only; one thread-local read each. */
    private static void checkAutocommit(String operation, String table) {
        if (Tx.isActive()) {
            throw new IllegalStateException("KeyRouter." + operation + ": called inside a transaction; run the"
                    + " statement on the transaction's connection (tx.connection()), which is pinned to the primary");
        }
        if (HintManager.isInstantiated() && (HintManager.getDataSourceName().isPresent()
                || HintManager.isDatabaseShardingOnly() || !HintManager.getDatabaseShardingValues(table).isEmpty()
                || !HintManager.getTableShardingValues(table).isEmpty())) {
            throw new IllegalStateException("KeyRouter." + operation + ": a ShardingSphere HintManager with sharding"
                    + " values is open on this thread; run the statement through data.dataSource()");
        }
    }

    /** The snapshot of the ShardingSphere data source in use now (it changes when the month windows roll over). */
    private Snapshot current() {
        Snapshot s = snapshot;
        if (layer instanceof MonthWindowRoller roller && roller.current() != s.source) {
            synchronized (this) {
                s = snapshot;
                DataSource now = roller.current();
                if (now != s.source) {
                    s = Snapshot.of(now);
                    snapshot = s;
                }
            }
        }
        return s;
    }

    private static DataSource shardingSphere(DataSource layer) {
        return layer instanceof MonthWindowRoller roller ? roller.current() : layer;
    }

    /**
     * Where a statement runs.
     *
     * @param shard      the logical shard ({@code shard0})
     * @param node       the ShardingSphere data-source name of the physical node ({@code shard0_replica_0})
     * @param dataSource that node's data source, as ShardingSphere uses it
     * @param table      the physical table ({@code users}, {@code watch_events_202611})
     */
    public record Target(String shard, String node, DataSource dataSource, String table) {
    }

    /**
     * Where a time-range read runs.
     *
     * @param tables the physical month tables the range covers, oldest first; empty if none
     */
    public record RangeTarget(String shard, String node, DataSource dataSource, List<String> tables) {
    }

    /** The routing objects of one ShardingSphere data source, resolved once. */
    private static final class Snapshot {
        final DataSource source;
        final Map<String, TableRoute> tables;
        final Map<String, ReadwriteSplittingDataSourceGroupRule> groups;
        final Map<String, DataSource> storage;
        final StandardReadwriteSplittingDataSourceRouter replicas = new StandardReadwriteSplittingDataSourceRouter();
        /** The health runtime behind the node data sources, or null (native rules): it keeps read-your-writes. */
        final HealthRuntime health;

        private Snapshot(DataSource source, Map<String, TableRoute> tables,
                         Map<String, ReadwriteSplittingDataSourceGroupRule> groups, Map<String, DataSource> storage) {
            this.source = source;
            this.tables = tables;
            this.groups = groups;
            this.storage = storage;
            HealthRuntime runtime = null;
            for (DataSource ds : storage.values()) {
                if (ds instanceof NodeDataSource node) {
                    runtime = node.runtime();
                    break;
                }
            }
            this.health = runtime;
        }

        /**
         * Reports the statement to the session's read-your-writes tracking before its node is chosen, as the
         * statement guard does for statements that go through ShardingSphere: an earlier autocommit write of this
         * thread now counts as done, and a write marks its shard.
         */
        void session(String shard, boolean write) {
            if (health != null) {
                int index = write ? health.shardIndex(shard) : -1;
                long mask = index >= 0 ? 1L << index : 0;
                health.onStatement(false, mask, mask, true);
            }
        }

        static Snapshot of(DataSource source) {
            ContextManager cm;
            String database;
            try (Connection c = source.getConnection()) {
                if (!c.isWrapperFor(ShardingSphereConnection.class)) {
                    throw new IllegalStateException("KeyRouter: the data source is not ShardingSphere's; was "
                            + source.getClass().getName() + ", expected the data source SkyriffData builds");
                }
                ShardingSphereConnection ss = c.unwrap(ShardingSphereConnection.class);
                cm = ss.getContextManager();
                database = ss.getCurrentDatabaseName();
            } catch (SQLException e) {
                throw new SkyriffDataException("KeyRouter: cannot read the ShardingSphere rules: " + e.getMessage(), e);
            }
            ShardingSphereDatabase db = cm.getDatabase(database);
            Map<String, TableRoute> tables = new HashMap<>();
            db.getRuleMetaData().findSingleRule(ShardingRule.class).ifPresent(rule -> {
                for (ShardingTable t : rule.getShardingTables().values()) {
                    TableRoute route = TableRoute.of(rule, t);
                    if (route != null) {
                        tables.put(route.logic, route);
                    }
                }
            });
            Map<String, ReadwriteSplittingDataSourceGroupRule> groups = new HashMap<>();
            db.getRuleMetaData().findSingleRule(ReadwriteSplittingRule.class)
                    .ifPresent(rule -> groups.putAll(rule.getDataSourceRuleGroups()));
            Map<String, DataSource> storage = new HashMap<>();
            for (Map.Entry<String, StorageUnit> e : db.getResourceMetaData().getStorageUnits().entrySet()) {
                storage.put(e.getKey(), e.getValue().getDataSource());
            }
            return new Snapshot(source, Map.copyOf(tables), Map.copyOf(groups), Map.copyOf(storage));
        }

        TableRoute table(String name, String operation) {
            TableRoute t = name == null ? null : tables.get(name);
            if (t == null) {
                throw new IllegalArgumentException("KeyRouter." + operation + ": table is not sharded by user; was "
                        + (name == null ? "null" : "'" + name + "'") + ", expected one of "
                        + new TreeSet<>(tables.keySet()));
            }
            return t;
        }

        /** The node a statement on {@code shard} runs on, as ShardingSphere's read/write splitting decides. */
        String node(String shard, boolean write) {
            ReadwriteSplittingDataSourceGroupRule group = groups.get(shard);
            if (group == null) {
                return shard;
            }
            if (write || HintManager.isInstantiated() && HintManager.isWriteRouteOnly()) {
                return group.getWriteDataSource();
            }
            return replicas.route(group);
        }

        DataSource storage(String node) {
            DataSource ds = storage.get(node);
            if (ds == null) {
                throw new IllegalStateException("KeyRouter: node " + node + " has no data source in ShardingSphere;"
                        + " known nodes " + new TreeSet<>(storage.keySet()));
            }
            return ds;
        }
    }

    /** One sharded table: its algorithms and its data nodes, as the ShardingSphere rule built them. */
    private static final class TableRoute {
        final String logic;
        final String keyColumn;
        final String timeColumn;
        final StandardShardingAlgorithm<Comparable<?>> databaseAlgorithm;
        final StandardShardingAlgorithm<Comparable<?>> tableAlgorithm;
        final Collection<String> shards;
        final Map<String, Collection<String>> tablesByShard;
        final DataNodeInfo shardInfo;
        final DataNodeInfo tableInfo;

        private TableRoute(String logic, String keyColumn, String timeColumn,
                           StandardShardingAlgorithm<Comparable<?>> databaseAlgorithm,
                           StandardShardingAlgorithm<Comparable<?>> tableAlgorithm, ShardingTable table) {
            this.logic = logic;
            this.keyColumn = keyColumn;
            this.timeColumn = timeColumn;
            this.databaseAlgorithm = databaseAlgorithm;
            this.tableAlgorithm = tableAlgorithm;
            this.shards = table.getActualDataSourceNames();
            Map<String, Collection<String>> byShard = new HashMap<>();
            for (String shard : shards) {
                byShard.put(shard, table.getActualTableNames(shard));
            }
            this.tablesByShard = byShard;
            this.shardInfo = table.getDataSourceDataNode();
            this.tableInfo = table.getTableDataNode();
        }

        /** The route of a table sharded by one user-id column (and optionally a month column); null for others. */
        static TableRoute of(ShardingRule rule, ShardingTable table) {
            ShardingStrategyConfiguration db = rule.getDatabaseShardingStrategyConfiguration(table);
            ShardingStrategyConfiguration tb = rule.getTableShardingStrategyConfiguration(table);
            if (!(db instanceof StandardShardingStrategyConfiguration dbs)) {
                return null;
            }
            StandardShardingAlgorithm<Comparable<?>> dbAlgorithm = standard(rule, dbs.getShardingAlgorithmName());
            if (dbAlgorithm == null) {
                return null;
            }
            String timeColumn = null;
            StandardShardingAlgorithm<Comparable<?>> tbAlgorithm = null;
            if (tb instanceof StandardShardingStrategyConfiguration tbs) {
                tbAlgorithm = standard(rule, tbs.getShardingAlgorithmName());
                if (tbAlgorithm == null) {
                    return null;
                }
                timeColumn = tbs.getShardingColumn();
            }
            return new TableRoute(table.getLogicTable(), dbs.getShardingColumn(), timeColumn, dbAlgorithm,
                    tbAlgorithm, table);
        }

        @SuppressWarnings("unchecked")
        private static StandardShardingAlgorithm<Comparable<?>> standard(ShardingRule rule, String name) {
            ShardingAlgorithm a = rule.getShardingAlgorithms().get(name);
            return a instanceof StandardShardingAlgorithm<?> s ? (StandardShardingAlgorithm<Comparable<?>>) s : null;
        }

        void requireTime(boolean given, String operation) {
            if (given && timeColumn == null) {
                throw new IllegalArgumentException("KeyRouter." + operation + ": tables." + logic + " is not split by"
                        + " month; was a time value, expected KeyRouter." + operation + "(table, userId)");
            }
            if (!given && timeColumn != null) {
                throw new IllegalArgumentException("KeyRouter." + operation + ": tables." + logic + " is split by month"
                        + " on " + timeColumn + "; was no time value, expected KeyRouter." + operation
                        + "(table, userId, " + timeColumn + ")");
            }
        }

        String shard(long userId) {
            String shard = databaseAlgorithm.doSharding(shards,
                    new PreciseShardingValue<>(logic, keyColumn, shardInfo, (Comparable<?>) userId));
            if (shard == null || !tablesByShard.containsKey(shard)) {
                throw new IllegalStateException("KeyRouter: tables." + logic + "." + keyColumn + " = " + userId
                        + " routes to " + shard + ", which is not among the table's shards " + shards);
            }
            return shard;
        }

        String month(String shard, Object time) {
            Collection<String> targets = tablesOf(shard);
            String table = tableAlgorithm.doSharding(targets,
                    new PreciseShardingValue<>(logic, timeColumn, tableInfo, (Comparable<?>) comparable(time)));
            if (table == null || !targets.contains(table)) {
                throw new IllegalStateException("KeyRouter: tables." + logic + "." + timeColumn + " = " + time
                        + " routes to " + table + ", which is not among the month tables of " + shard);
            }
            return table;
        }

        Collection<String> tablesOf(String shard) {
            return tablesByShard.get(shard);
        }

        private Comparable<?> comparable(Object time) {
            if (time instanceof Comparable<?> c) {
                return c;
            }
            throw new IllegalArgumentException("KeyRouter: tables." + logic + "." + timeColumn + " must be a timestamp"
                    + " (Timestamp, OffsetDateTime, Instant, LocalDateTime, LocalDate); was "
                    + time.getClass().getName());
        }
    }
}
