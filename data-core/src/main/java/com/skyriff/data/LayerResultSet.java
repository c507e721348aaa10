package com.skyriff.data;

import com.skyriff.data.internal.ForwardingResultSet;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * A result set of a statement the layer handed out: the driver's or ShardingSphere's result set, whose
 * {@link #getStatement()} answers the layer's statement rather than the one that ran underneath. Not thread-safe (a JDBC
 * result set).
 */
final class LayerResultSet extends ForwardingResultSet {
    private LayerResultSet(ResultSet delegate, Statement statement) {
        super(delegate, statement);
    }

    /** {@code resultSet} as a result set of {@code statement}; null stays null. */
    static ResultSet of(ResultSet resultSet, Statement statement) {
        return resultSet == null ? null : new LayerResultSet(resultSet, statement);
    }
}
