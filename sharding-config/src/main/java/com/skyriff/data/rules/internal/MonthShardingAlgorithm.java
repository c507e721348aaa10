package com.skyriff.data.rules.internal;

import com.google.common.collect.BoundType;
import com.google.common.collect.Range;
import com.skyriff.data.rules.Topology;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import org.apache.shardingsphere.sharding.api.sharding.standard.PreciseShardingValue;
import org.apache.shardingsphere.sharding.api.sharding.standard.RangeShardingValue;
import org.apache.shardingsphere.sharding.api.sharding.standard.StandardShardingAlgorithm;

/**
 * ShardingSphere table-sharding algorithm: a thin adapter over {@link Topology#monthTable} and
 * {@link Topology#monthsTouched} of the topology its rules were compiled from (a timestamp → the physical table of its
 * calendar month, {@code watch_event_202611}). A time outside the window fails with a message naming the month and
 * the window. Registered by {@link ShardingSphereRules}; not for direct use. Thread-safe after {@link #init}.
 */
public final class MonthShardingAlgorithm implements StandardShardingAlgorithm<Comparable<?>> {
    private Topology topology;

    @Override
    public void init(Properties props) {
        topology = Topologies.get(props.getProperty(ShardingSphereRules.TOPOLOGY_PROP));
    }

    /** The topology this algorithm routes with. */
    public Topology topology() {
        return topology;
    }

    @Override
    public String doSharding(Collection<String> targets, PreciseShardingValue<Comparable<?>> value) {
        String table = topology.monthTable(table(value.getLogicTableName()), value.getValue());
        if (!targets.contains(table)) {
            throw new IllegalStateException(value.getLogicTableName() + "." + value.getColumnName() + " routes to "
                    + table + ", which is not among the table's data nodes " + targets);
        }
        return table;
    }

    @Override
    public Collection<String> doSharding(Collection<String> targets, RangeShardingValue<Comparable<?>> value) {
        Range<Comparable<?>> range = value.getValueRange();
        Topology.Months months = topology.monthsTouched(table(value.getLogicTableName()),
                range.hasLowerBound() ? range.lowerEndpoint() : null, range.hasUpperBound() ? range.upperEndpoint() : null,
                !range.hasUpperBound() || range.upperBoundType() == BoundType.CLOSED);
        List<String> out = new ArrayList<>(months.size());
        for (String t : months.tables()) {
            if (targets.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    private Topology.Table table(String logical) {
        Topology.Table t = topology.table(logical);
        if (t == null || t.window() == null) {
            throw new IllegalStateException(logical + " is not a monthly table of the rules " + topology);
        }
        return t;
    }

    @Override
    public String getType() {
        return "SKYRIFF_MONTH";
    }
}
