package com.skyriff.data.health.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.apache.shardingsphere.infra.datasource.pool.CatalogSwitchableDataSource;
import org.apache.shardingsphere.infra.metadata.database.ShardingSphereDatabase;
import org.apache.shardingsphere.infra.metadata.database.resource.unit.StorageUnit;

/**
 * Where ShardingSphere-created SPI objects find their runtime: the balancer by the key compiled into its properties,
 * the auditor by the ShardingSphere database it is called for (whose data sources are our {@link NodeDataSource}s).
 * Several data sources with the same rules name can live in one JVM. Thread-safe.
 */
public final class Registry {
    private static final Map<String, HealthRuntime> BY_KEY = new ConcurrentHashMap<>();
    private static final Map<ShardingSphereDatabase, Object> BY_DATABASE = new ConcurrentHashMap<>();
    private static final Object NONE = new Object();

    private Registry() {
    }

    static void register(HealthRuntime runtime) {
        BY_KEY.put(runtime.key(), runtime);
    }

    static void unregister(HealthRuntime runtime) {
        BY_KEY.remove(runtime.key(), runtime);
        BY_DATABASE.values().removeIf(v -> v instanceof Attached a && a.runtime() == runtime);
    }

    /** The runtime registered under {@code key}, or null (closed, or never started). */
    public static HealthRuntime byKey(String key) {
        return key == null ? null : BY_KEY.get(key);
    }

    /**
     * The runtime behind {@code database} with whatever the caller attached to it, or null for a database that is not
     * ours (native pass-through YAML). The first call per database looks at its data sources; later calls are one map
     * lookup.
     *
     * @param attach builds the caller's per-database object once (e.g. the guard's condition engine)
     */
    public static Attached attached(ShardingSphereDatabase database,
                                    java.util.function.Function<HealthRuntime, Object> attach) {
        Object found = BY_DATABASE.get(database);
        if (found == null) {
            HealthRuntime runtime = find(database);
            found = runtime == null ? NONE : new Attached(runtime, attach.apply(runtime));
            if (runtime != null && BY_KEY.get(runtime.key()) != runtime) {
                return null;   // closed meanwhile: do not cache
            }
            BY_DATABASE.put(database, found);
        }
        return found == NONE ? null : (Attached) found;
    }

    private static HealthRuntime find(ShardingSphereDatabase database) {
        for (StorageUnit unit : database.getResourceMetaData().getStorageUnits().values()) {
            DataSource ds = unit.getDataSource();
            if (ds instanceof CatalogSwitchableDataSource c) {
                ds = c.getDataSource();
            }
            if (ds instanceof NodeDataSource n) {
                return n.runtime();
            }
        }
        return null;
    }

    /** A runtime and the object a caller attached to it for one ShardingSphere database. */
    public record Attached(HealthRuntime runtime, Object value) {
    }
}
