package com.skyriff.data.spring.boot;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The starter's {@code skyriff.data.*} properties. Everything about shards, nodes, tables and the cache stays in the
 * rules file; secrets and per-environment values go into it as {@code ${name}} placeholders that Spring's
 * {@code Environment} resolves (application properties, environment variables, system properties, config servers,
 * vaults). Immutable, thread-safe.
 */
@ConfigurationProperties(prefix = "skyriff.data")
public final class SkyriffDataProperties {
    /** Whether the starter builds the layer's DataSource at all. */
    private final boolean enabled;
    /**
     * Where the rules file is: a Spring resource location ({@code classpath:rules.yaml}, {@code file:/etc/app/rules.yaml})
     * or a plain file path. Its {@code ${name}} placeholders are resolved through Spring's Environment.
     */
    private final String rules;
    /**
     * What {@code @Transactional(readOnly = true)} does: {@code replicas} runs it without a database transaction, so
     * each statement reads a replica of its shard (the health/lag-aware balancer's pick; no snapshot across
     * statements); {@code primary} runs it as a READ ONLY transaction on the shard primaries (one snapshot, writes
     * refused by PostgreSQL).
     */
    private final ReadOnlyTransactions readOnlyTransactions;
    /** Why {@code skyriff.data.key-routed} (removed) is refused when set: the start of the start-up error. */
    static final String REMOVED_KEY_ROUTED = "skyriff.data.key-routed was removed with @KeyRouted: a statement whose user"
            + " id puts it on one shard now takes the single-shard path of the plain DataSource by itself (every"
            + " mapper, no annotation)";
    /**
     * For Spring's {@code @Cacheable(sync = true)} over the layer's cache: the value type of each {@code cache.entities}
     * entry that Spring caching may use (entity name to fully qualified class name). Entities not listed are not
     * offered to Spring's CacheManager.
     */
    private final Map<String, Class<?>> springCache;

    public SkyriffDataProperties(@DefaultValue("true") boolean enabled, String rules,
                                 @DefaultValue("replicas") ReadOnlyTransactions readOnlyTransactions,
                                 Boolean keyRouted, Map<String, Class<?>> springCache) {
        if (keyRouted != null) {
            // refused rather than ignored: 'false' meant "everything through ShardingSphere", which this key no
            // longer does; the rules file's switch does
            throw new IllegalArgumentException(REMOVED_KEY_ROUTED + "; was '" + keyRouted + "', expected the property"
                    + " unset (to send every statement through ShardingSphere, set single-shard-path: false in the"
                    + " rules file)");
        }
        this.enabled = enabled;
        this.rules = rules;
        this.readOnlyTransactions = readOnlyTransactions;
        this.springCache = springCache == null ? Map.of() : Map.copyOf(springCache);
    }

    public boolean isEnabled() {
        return enabled;
    }

    public String getRules() {
        return rules;
    }

    public ReadOnlyTransactions getReadOnlyTransactions() {
        return readOnlyTransactions;
    }

    public Map<String, Class<?>> getSpringCache() {
        return springCache;
    }

    /** Where {@code @Transactional(readOnly = true)} runs. */
    public enum ReadOnlyTransactions {
        /** No database transaction: each statement reads a replica (autocommit), as outside a transaction. */
        REPLICAS,
        /** A READ ONLY transaction on the shard primaries. */
        PRIMARY
    }
}
