package com.skyriff.data;

import com.skyriff.data.internal.ForwardingDatabaseMetaData;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/**
 * What a {@link LayerConnection} answers from {@code getMetaData()} on the single-shard path: the answers that are the
 * same on every node and every call (product, driver and JDBC versions, the feature flags MyBatis and Spring read per
 * statement, such as {@code supportsMultipleResultSets} in MyBatis's {@code DefaultResultSetHandler}) come from a
 * {@link Snapshot} read once per generation, so asking costs no connection; every other call (catalog queries such as
 * {@code getTables}, the URL, the user) goes to ShardingSphere's metadata of the layer connection, opened on first
 * such call. {@link #getConnection()} answers the layer's connection. Not thread-safe (a connection's metadata).
 */
final class LayerDatabaseMetaData extends ForwardingDatabaseMetaData {
    private final LayerConnection layer;
    private final Snapshot s;
    private DatabaseMetaData target;

    /** The node-independent answers, read once from ShardingSphere's metadata (the nodes' driver). Immutable. */
    record Snapshot(String productName, String productVersion, int databaseMajor, int databaseMinor,
                    String driverName, String driverVersion, int driverMajor, int driverMinor, int jdbcMajor,
                    int jdbcMinor, boolean multipleResultSets, boolean batchUpdates, boolean generatedKeys,
                    boolean savepoints, boolean transactions, int defaultIsolation, String identifierQuote,
                    boolean lowerCaseIdentifiers, boolean upperCaseIdentifiers, boolean mixedCaseIdentifiers,
                    int sqlStateType) {
        static Snapshot of(DatabaseMetaData m) throws SQLException {
            return new Snapshot(m.getDatabaseProductName(), m.getDatabaseProductVersion(),
                    m.getDatabaseMajorVersion(), m.getDatabaseMinorVersion(), m.getDriverName(), m.getDriverVersion(),
                    m.getDriverMajorVersion(), m.getDriverMinorVersion(), m.getJDBCMajorVersion(),
                    m.getJDBCMinorVersion(), m.supportsMultipleResultSets(), m.supportsBatchUpdates(),
                    m.supportsGetGeneratedKeys(), m.supportsSavepoints(), m.supportsTransactions(),
                    m.getDefaultTransactionIsolation(), m.getIdentifierQuoteString(), m.storesLowerCaseIdentifiers(),
                    m.storesUpperCaseIdentifiers(), m.storesMixedCaseIdentifiers(), m.getSQLStateType());
        }
    }

    LayerDatabaseMetaData(LayerConnection layer, Snapshot snapshot) {
        super(layer);
        this.layer = layer;
        this.s = snapshot;
    }

    @Override
    protected DatabaseMetaData target() throws SQLException {
        if (target == null) {
            target = layer.shardingSphere().getMetaData();
        }
        return target;
    }

    @Override
    public String getDatabaseProductName() {
        return s.productName();
    }

    @Override
    public String getDatabaseProductVersion() {
        return s.productVersion();
    }

    @Override
    public int getDatabaseMajorVersion() {
        return s.databaseMajor();
    }

    @Override
    public int getDatabaseMinorVersion() {
        return s.databaseMinor();
    }

    @Override
    public String getDriverName() {
        return s.driverName();
    }

    @Override
    public String getDriverVersion() {
        return s.driverVersion();
    }

    @Override
    public int getDriverMajorVersion() {
        return s.driverMajor();
    }

    @Override
    public int getDriverMinorVersion() {
        return s.driverMinor();
    }

    @Override
    public int getJDBCMajorVersion() {
        return s.jdbcMajor();
    }

    @Override
    public int getJDBCMinorVersion() {
        return s.jdbcMinor();
    }

    @Override
    public boolean supportsMultipleResultSets() {
        return s.multipleResultSets();
    }

    @Override
    public boolean supportsBatchUpdates() {
        return s.batchUpdates();
    }

    @Override
    public boolean supportsGetGeneratedKeys() {
        return s.generatedKeys();
    }

    @Override
    public boolean supportsSavepoints() {
        return s.savepoints();
    }

    @Override
    public boolean supportsTransactions() {
        return s.transactions();
    }

    @Override
    public int getDefaultTransactionIsolation() {
        return s.defaultIsolation();
    }

    @Override
    public String getIdentifierQuoteString() {
        return s.identifierQuote();
    }

    @Override
    public boolean storesLowerCaseIdentifiers() {
        return s.lowerCaseIdentifiers();
    }

    @Override
    public boolean storesUpperCaseIdentifiers() {
        return s.upperCaseIdentifiers();
    }

    @Override
    public boolean storesMixedCaseIdentifiers() {
        return s.mixedCaseIdentifiers();
    }

    @Override
    public int getSQLStateType() {
        return s.sqlStateType();
    }
}
