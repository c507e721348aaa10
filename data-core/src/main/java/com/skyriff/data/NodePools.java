package com.skyriff.data;

import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.PoolSpec;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;

/** One HikariCP pool per physical node, named after it, with the PostgreSQL URL settings the layer relies on. */
final class NodePools {
    private NodePools() {
    }

    static HikariDataSource create(String database, PhysicalNode node) {
        return create(database, node, null);
    }

    /** As {@link #create(String, PhysicalNode)}, reporting pool metrics to {@code registry} when it is not null. */
    static HikariDataSource create(String database, PhysicalNode node, MeterRegistry registry) {
        PoolSpec p = node.pool();
        HikariConfig c = new HikariConfig();
        c.setPoolName(database + "-" + node.dataSourceName());
        c.setJdbcUrl(jdbcUrl(node.spec().url()));
        c.setUsername(node.spec().username());
        if (!node.spec().password().isEmpty()) {
            c.setPassword(node.spec().password().reveal());
        }
        c.setMaximumPoolSize(p.maximumSize());
        c.setMinimumIdle(p.minimumIdle());
        c.setConnectionTimeout(p.connectionTimeoutMs());
        c.setValidationTimeout(p.validationTimeoutMs());
        c.setIdleTimeout(p.idleTimeoutMs());
        c.setMaxLifetime(p.maxLifetimeMs());
        c.setReadOnly(!node.primary());
        if (registry != null) {
            c.setMetricRegistry(registry);
        }
        // lazily opened: the first borrow starts the pool, so building many shards does not connect to each at once
        HikariDataSource ds = new HikariDataSource();
        c.copyStateTo(ds);
        return ds;
    }

    /**
     * The node's URL with {@code stringtype=unspecified} added unless the rules set it: ShardingSphere's rewrite drops
     * {@code ?::jsonb} casts, and this lets PostgreSQL infer the parameter type instead.
     */
    static String jdbcUrl(String url) {
        if (url.contains("stringtype=")) {
            return url;
        }
        return url + (url.indexOf('?') < 0 ? '?' : '&') + "stringtype=unspecified";
    }
}
