package com.skyriff.data;

import com.skyriff.data.internal.ForwardingResultSet;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A result set of a statement the layer handed out: the driver's or ShardingSphere's result set, whose
 * {@link #getStatement()} answers the layer's statement rather than the one that ran underneath. {@code getObject}
 * answers with the class the result set's metadata declares: ShardingSphere 5.5.2 merges {@code count} and
 * {@code sum} across shards into a {@code BigDecimal} also where PostgreSQL returns a {@code bigint} (its metadata, the
 * first shard's, still says {@code int8}), and {@code count(DISTINCT x)} into an {@code Integer}; such a value comes
 * back as the {@code Long} (or {@code Integer}) one PostgreSQL returns. Not thread-safe (a JDBC result set).
 */
final class LayerResultSet extends ForwardingResultSet {
    /** The declared class of each column, read on the first BigDecimal or Integer; null until then. */
    private String[] classes;

    private LayerResultSet(ResultSet delegate, Statement statement) {
        super(delegate, statement);
    }

    /** {@code resultSet} as a result set of {@code statement}; null stays null. */
    static ResultSet of(ResultSet resultSet, Statement statement) {
        return resultSet == null ? null : new LayerResultSet(resultSet, statement);
    }

    @Override
    public Object getObject(int column) throws SQLException {
        Object value = super.getObject(column);
        return value instanceof BigDecimal || value instanceof Integer ? declared(column, (Number) value) : value;
    }

    @Override
    public Object getObject(String label) throws SQLException {
        Object value = super.getObject(label);
        return value instanceof BigDecimal || value instanceof Integer ? declared(findColumn(label), (Number) value)
                : value;
    }

    private Object declared(int column, Number value) throws SQLException {
        if (classes == null) {
            ResultSetMetaData md = getMetaData();
            String[] read = new String[md.getColumnCount()];
            for (int i = 0; i < read.length; i++) {
                read[i] = md.getColumnClassName(i + 1);
            }
            classes = read;
        }
        String declared = column >= 1 && column <= classes.length ? classes[column - 1] : null;
        if (value instanceof BigDecimal d) {
            return "java.lang.Long".equals(declared) ? (Object) d.longValueExact() : "java.lang.Integer".equals(declared)
                    ? (Object) d.intValueExact() : d;
        }
        return "java.lang.Long".equals(declared) ? (Object) value.longValue() : value;
    }
}
