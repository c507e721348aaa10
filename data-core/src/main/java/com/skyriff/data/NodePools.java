package com.skyriff.data;

import com.skyriff.data.rules.HealthSpec;
import com.skyriff.data.rules.NodeSpec;
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
        return create(database, node, registry, null);
    }

    /**
     * As {@link #create(String, PhysicalNode, MeterRegistry)}, with the driver's connect, login and socket timeouts
     * from {@code health} (so no statement waits on a dead node beyond them) and the node's {@code ssl-mode}.
     */
    static HikariDataSource create(String database, PhysicalNode node, MeterRegistry registry, HealthSpec health) {
        PoolSpec p = node.pool();
        HikariConfig c = new HikariConfig();
        c.setPoolName(database + "-" + node.dataSourceName());
        c.setJdbcUrl(jdbcUrl(node.spec(), health, node.primary()));
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
     * Whether a pool opened for {@code before} (under {@code beforeHealth}) also serves {@code after}: same URL as
     * the layer builds it (timeouts and ssl-mode included), user, password, role and pool settings other than the
     * sizes, which {@link #resize} changes on a running pool.
     */
    static boolean sameConnections(PhysicalNode before, HealthSpec beforeHealth, PhysicalNode after,
                                   HealthSpec afterHealth) {
        PoolSpec a = before.pool();
        PoolSpec b = after.pool();
        return before.primary() == after.primary()
                && jdbcUrl(before.spec(), beforeHealth, before.primary())
                .equals(jdbcUrl(after.spec(), afterHealth, after.primary()))
                && java.util.Objects.equals(before.spec().username(), after.spec().username())
                && before.spec().password().equals(after.spec().password())
                && a.withMaximumSize(0).withMinimumIdle(0).equals(b.withMaximumSize(0).withMinimumIdle(0));
    }

    /**
     * Applies {@code pool}'s maximum size and minimum idle to a running pool through HikariCP's
     * {@code HikariConfigMXBean} (the pool grows or shrinks as connections come and go). Returns whether anything
     * changed.
     */
    static boolean resize(HikariDataSource ds, PoolSpec pool) {
        int max = pool.maximumSize();
        int min = pool.minimumIdle();
        com.zaxxer.hikari.HikariConfigMXBean bean = ds.getHikariConfigMXBean();
        if (bean.getMaximumPoolSize() == max && bean.getMinimumIdle() == min) {
            return false;
        }
        // HikariCP caps minimum-idle at maximum-size: order the two so neither is briefly invalid
        if (max >= bean.getMaximumPoolSize()) {
            bean.setMaximumPoolSize(max);
            bean.setMinimumIdle(min);
        } else {
            bean.setMinimumIdle(min);
            bean.setMaximumPoolSize(max);
        }
        return true;
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

    /**
     * {@link #jdbcUrl(String)} plus, unless the URL sets them, {@code connectTimeout} / {@code loginTimeout} /
     * {@code socketTimeout} (whole seconds, rounded up) from {@code health} and {@code sslmode} from the node.
     */
    static String jdbcUrl(NodeSpec spec, HealthSpec health) {
        return jdbcUrl(spec, health, true);
    }

    /**
     * As {@link #jdbcUrl(NodeSpec, HealthSpec)}; a replica's {@code socketTimeout} is {@code health.read-timeout-ms}
     * (unless 0): a read on a replica that stops answering fails after it, and is retried elsewhere
     * ({@code NodeConnection}). The pool's connections keep it (HikariCP restores the driver's network timeout after
     * its own validation), so the bound costs nothing per statement.
     */
    static String jdbcUrl(NodeSpec spec, HealthSpec health, boolean primary) {
        StringBuilder url = new StringBuilder(jdbcUrl(spec.url()));
        if (health != null) {
            String connect = Long.toString(seconds(health.connectTimeoutMs()));
            param(url, "connectTimeout", connect);
            param(url, "loginTimeout", connect);
            long socket = !primary && health.readTimeoutMs() > 0 ? health.readTimeoutMs() : health.socketTimeoutMs();
            param(url, "socketTimeout", Long.toString(seconds(socket)));
        }
        if (spec.sslMode() != null) {
            param(url, "sslmode", spec.sslMode().token());
        }
        return url.toString();
    }

    private static long seconds(long ms) {
        return (ms + 999) / 1000;
    }

    private static void param(StringBuilder url, String key, String value) {
        String lower = url.toString().toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("?" + key.toLowerCase(java.util.Locale.ROOT) + "=")
                || lower.contains("&" + key.toLowerCase(java.util.Locale.ROOT) + "=")) {
            return;
        }
        url.append(url.indexOf("?") < 0 ? '?' : '&').append(key).append('=').append(value);
    }
}
