package com.skyriff.data;

import com.skyriff.data.internal.ForwardingPreparedStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * ShardingSphere's prepared statement of a {@link LayerConnection}, for a SQL text the single-shard path does not take
 * ({@link OneShardStatement} takes the others): every call is a plain delegation; {@code getConnection()} answers the
 * layer's connection and its result sets answer {@code getStatement()} with this statement. Not thread-safe (a JDBC
 * statement).
 */
final class LayerPreparedStatement extends ForwardingPreparedStatement {
    LayerPreparedStatement(PreparedStatement delegate, LayerConnection connection) {
        super(delegate, connection);
    }

    @Override
    protected ResultSet results(ResultSet resultSet) {
        return LayerResultSet.of(resultSet, this);
    }
}
