package com.skyriff.data.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code cache:} section of the rules: where Redis is (one server, Sentinel or Cluster), how the circuit breaker
 * and the single-flight lease behave, and one {@link CacheEntitySpec} per cached entity. Built only through
 * {@link #builder()}; the rules file is replayed through the same builder by {@link RulesReader}. Immutable,
 * thread-safe; {@link #toString()} masks the password.
 */
public final class CacheSpec {
    /** Namespace and entity names: lower-case, no {@code :} or braces, so keys read {@code ns:entity:vN:id}. */
    static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,62}");
    static final long MAX_TTL_SECONDS = 366L * 24 * 3600;
    static final double MAX_JITTER = 0.9;

    /** How Redis is deployed. Immutable, thread-safe. */
    public enum RedisMode {
        SINGLE("single"), SENTINEL("sentinel"), CLUSTER("cluster");

        private final String token;

        RedisMode(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }

        public static List<String> tokens() {
            return Arrays.stream(values()).map(RedisMode::token).toList();
        }

        public static Optional<RedisMode> fromToken(String token) {
            return Arrays.stream(values()).filter(m -> m.token.equals(token)).findFirst();
        }

        @Override
        public String toString() {
            return token;
        }
    }

    private final boolean required;
    private final String namespace;
    private final RedisMode mode;
    private final String address;
    private final List<String> nodes;
    private final String masterName;
    private final String username;
    private final Secret password;
    private final int database;
    private final int connectTimeoutMs;
    private final int timeoutMs;
    private final int failureThreshold;
    private final long openMs;
    private final long leaseMs;
    private final long waitMs;
    private final Map<String, CacheEntitySpec> entities;

    private CacheSpec(Builder b) {
        this.required = b.required;
        this.namespace = b.namespace;
        this.mode = b.mode;
        this.address = b.address;
        this.nodes = List.copyOf(b.nodes);
        this.masterName = b.masterName;
        this.username = b.username;
        this.password = b.password;
        this.database = b.database == null ? 0 : b.database;
        this.connectTimeoutMs = b.connectTimeoutMs;
        this.timeoutMs = b.timeoutMs;
        this.failureThreshold = b.failureThreshold;
        this.openMs = b.openMs;
        this.leaseMs = b.leaseMs;
        this.waitMs = b.waitMs;
        this.entities = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.entities));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether startup fails when Redis cannot be reached; otherwise the layer starts with the cache bypassed. */
    public boolean required() {
        return required;
    }

    /** First part of every key: the application ({@code skyriff:user:v3:42}). */
    public String namespace() {
        return namespace;
    }

    public RedisMode mode() {
        return mode;
    }

    /** The server's {@code redis://HOST:PORT} in mode single; null otherwise. */
    public String address() {
        return address;
    }

    /** Sentinel addresses (mode sentinel) or cluster seed nodes (mode cluster); empty in mode single. */
    public List<String> nodes() {
        return nodes;
    }

    /** The master name Sentinel monitors (mode sentinel); null otherwise. */
    public String masterName() {
        return masterName;
    }

    public String username() {
        return username;
    }

    public Secret password() {
        return password;
    }

    /** The logical Redis database (0 unless set; always 0 in mode cluster). */
    public int database() {
        return database;
    }

    public int connectTimeoutMs() {
        return connectTimeoutMs;
    }

    /** How long one Redis command may take before it counts as a failure. */
    public int timeoutMs() {
        return timeoutMs;
    }

    /** Consecutive Redis failures that open the circuit breaker. */
    public int failureThreshold() {
        return failureThreshold;
    }

    /** How long the breaker stays open before the cache probes Redis again. */
    public long openMs() {
        return openMs;
    }

    /** How long a miss's load lease (the cross-JVM single-flight lock) lives. */
    public long leaseMs() {
        return leaseMs;
    }

    /** How long a miss waits for another thread's or JVM's load before loading by itself. */
    public long waitMs() {
        return waitMs;
    }

    /** The cached entities by name, in the order they were given. */
    public Map<String, CacheEntitySpec> entities() {
        return entities;
    }

    public Optional<CacheEntitySpec> entity(String name) {
        return Optional.ofNullable(entities.get(name));
    }

    /** Where Redis is, as a user would name it: the address, or the nodes (and master name). */
    public String describeRedis() {
        return switch (mode) {
            case SINGLE -> address;
            case SENTINEL -> "sentinel " + masterName + " at " + nodes;
            case CLUSTER -> "cluster at " + nodes;
        };
    }

    @Override
    public String toString() {
        return "CacheSpec[required=" + required + ", namespace=" + namespace + ", mode=" + mode + ", redis="
                + describeRedis() + ", username=" + username + ", password=" + password + ", database=" + database
                + ", timeoutMs=" + timeoutMs + ", failureThreshold=" + failureThreshold + ", openMs=" + openMs
                + ", leaseMs=" + leaseMs + ", waitMs=" + waitMs + ", entities=" + entities.values() + "]";
    }

    /**
     * Collects the cache settings and checks them all at {@link #build()}, reporting every problem at once with its
     * key as written in the rules file ({@code cache.entities.user.ttl-seconds}). Not thread-safe.
     */
    public static final class Builder {
        private boolean required;
        private String namespace = "skyriff";
        private RedisMode mode = RedisMode.SINGLE;
        private String address;
        private final List<String> nodes = new ArrayList<>();
        private String masterName;
        private String username;
        private Secret password = Secret.none();
        private Integer database;
        private int connectTimeoutMs = 1_000;
        private int timeoutMs = 500;
        private int failureThreshold = 3;
        private long openMs = 2_000;
        private long leaseMs = 5_000;
        private long waitMs = 3_000;
        private final Map<String, CacheEntitySpec> entities = new LinkedHashMap<>();
        private final List<String> duplicateEntities = new ArrayList<>();

        private Builder() {
        }

        public Builder required(boolean value) {
            this.required = value;
            return this;
        }

        public Builder namespace(String value) {
            this.namespace = value;
            return this;
        }

        public Builder mode(RedisMode value) {
            this.mode = value;
            return this;
        }

        /** One server: {@code redis://HOST:PORT} (or {@code rediss://} for TLS). Sets mode single. */
        public Builder singleServer(String redisUri) {
            this.mode = RedisMode.SINGLE;
            this.address = redisUri;
            return this;
        }

        /** Sentinel: the master's name and the Sentinels' addresses. Sets mode sentinel. */
        public Builder sentinel(String master, List<String> sentinels) {
            this.mode = RedisMode.SENTINEL;
            this.masterName = master;
            this.nodes.clear();
            this.nodes.addAll(sentinels);
            return this;
        }

        /** Redis Cluster: some of its nodes (Redisson discovers the rest). Sets mode cluster. */
        public Builder cluster(List<String> seedNodes) {
            this.mode = RedisMode.CLUSTER;
            this.nodes.clear();
            this.nodes.addAll(seedNodes);
            return this;
        }

        public Builder address(String value) {
            this.address = value;
            return this;
        }

        public Builder nodes(List<String> value) {
            this.nodes.clear();
            this.nodes.addAll(value);
            return this;
        }

        public Builder masterName(String value) {
            this.masterName = value;
            return this;
        }

        public Builder username(String value) {
            this.username = value;
            return this;
        }

        public Builder password(Secret value) {
            this.password = value == null ? Secret.none() : value;
            return this;
        }

        public Builder database(int value) {
            this.database = value;
            return this;
        }

        public Builder connectTimeoutMs(int value) {
            this.connectTimeoutMs = value;
            return this;
        }

        public Builder timeoutMs(int value) {
            this.timeoutMs = value;
            return this;
        }

        public Builder failureThreshold(int value) {
            this.failureThreshold = value;
            return this;
        }

        public Builder openMs(long value) {
            this.openMs = value;
            return this;
        }

        public Builder leaseMs(long value) {
            this.leaseMs = value;
            return this;
        }

        public Builder waitMs(long value) {
            this.waitMs = value;
            return this;
        }

        public Builder entity(CacheEntitySpec value) {
            if (entities.putIfAbsent(value.name(), value) != null) {
                duplicateEntities.add(value.name());
            }
            return this;
        }

        /** Validates everything and returns the spec, or throws {@link RulesException} listing every problem. */
        public CacheSpec build() {
            List<Rules.Problem> problems = validate();
            if (!problems.isEmpty()) {
                throw new RulesException("cache", problems.stream().map(Rules.Problem::text).toList());
            }
            return new CacheSpec(this);
        }

        List<Rules.Problem> validate() {
            List<Rules.Problem> out = new ArrayList<>();
            if (namespace == null || !NAME.matcher(namespace).matches()) {
                out.add(Rules.Problem.of("cache.namespace", "must be a lower-case name", namespace, "[a-z_][a-z0-9_-]*"));
            }
            validateRedis(out);
            range(out, "cache.redis.connect-timeout-ms", connectTimeoutMs, 10, 60_000);
            range(out, "cache.redis.timeout-ms", timeoutMs, 10, 60_000);
            range(out, "cache.breaker.failure-threshold", failureThreshold, 1, 1_000);
            range(out, "cache.breaker.open-ms", openMs, 100, 600_000);
            range(out, "cache.single-flight.lease-ms", leaseMs, 100, 600_000);
            range(out, "cache.single-flight.wait-ms", waitMs, 0, 600_000);
            for (String dup : duplicateEntities) {
                out.add(Rules.Problem.of("cache.entities." + dup, "is listed twice", dup, "each entity once"));
            }
            for (CacheEntitySpec e : entities.values()) {
                validateEntity(e, out);
            }
            return out;
        }

        private void validateRedis(List<Rules.Problem> out) {
            if (mode == null) {
                out.add(Rules.Problem.of("cache.redis.mode", "is missing", null, RedisMode.tokens()));
                return;
            }
            if (mode == RedisMode.SINGLE) {
                if (address == null || address.isBlank()) {
                    out.add(Rules.Problem.of("cache.redis.address", "is missing", null, "redis://HOST:PORT"));
                } else {
                    uri(out, "cache.redis.address", address);
                }
                if (!nodes.isEmpty()) {
                    out.add(Rules.Problem.plain("cache.redis.nodes", "cache.redis.nodes does not apply to mode single; "
                            + "use cache.redis.address, or mode sentinel or cluster"));
                }
            } else {
                if (address != null) {
                    out.add(Rules.Problem.plain("cache.redis.address", "cache.redis.address does not apply to mode " + mode
                            + "; list the servers under cache.redis.nodes"));
                }
                if (nodes.isEmpty()) {
                    out.add(Rules.Problem.of("cache.redis.nodes", "is missing; mode " + mode + " needs at least one node",
                            null, "a list of redis://HOST:PORT"));
                }
                for (int i = 0; i < nodes.size(); i++) {
                    uri(out, "cache.redis.nodes[" + i + "]", nodes.get(i));
                }
            }
            if (mode == RedisMode.SENTINEL && (masterName == null || masterName.isBlank())) {
                out.add(Rules.Problem.of("cache.redis.master-name", "is missing; mode sentinel needs the name Sentinel "
                        + "monitors", null, null));
            } else if (mode != RedisMode.SENTINEL && masterName != null) {
                out.add(Rules.Problem.plain("cache.redis.master-name", "cache.redis.master-name applies only to mode "
                        + "sentinel; mode is " + mode));
            }
            if (database != null) {
                if (mode == RedisMode.CLUSTER && database != 0) {
                    out.add(Rules.Problem.plain("cache.redis.database", "cache.redis.database does not apply to mode "
                            + "cluster (Redis Cluster has only database 0); was '" + database + "'"));
                } else {
                    range(out, "cache.redis.database", database, 0, 10_000);
                }
            }
        }

        private static void uri(List<Rules.Problem> out, String key, String value) {
            if (value == null || !(value.startsWith("redis://") || value.startsWith("rediss://"))
                    || value.indexOf(':', value.indexOf("//") + 2) < 0) {
                out.add(Rules.Problem.of(key, "is not a Redis URI", value, "redis://HOST:PORT or rediss://HOST:PORT"));
            }
        }

        private static void validateEntity(CacheEntitySpec e, List<Rules.Problem> out) {
            String at = "cache.entities." + e.name();
            if (e.name() == null || !NAME.matcher(e.name()).matches()) {
                out.add(Rules.Problem.of(at, "is not a lower-case entity name", e.name(), "[a-z_][a-z0-9_-]*"));
            }
            range(out, at + ".version", e.version(), 0, Integer.MAX_VALUE);
            range(out, at + ".ttl-seconds", e.ttlSeconds(), 1, MAX_TTL_SECONDS);
            if (!(e.jitter() >= 0 && e.jitter() <= MAX_JITTER)) {
                out.add(Rules.Problem.of(at + ".jitter", "is out of range", e.jitter(), "0.0.." + MAX_JITTER));
            }
            range(out, at + ".negative-ttl-seconds", e.negativeTtlSeconds(), 0, MAX_TTL_SECONDS);
            range(out, at + ".near-cache-size", e.nearCacheSize(), 1, 10_000_000);
            range(out, at + ".near-ttl-seconds", e.nearTtlSeconds(), 1, MAX_TTL_SECONDS);
        }

        private static void range(List<Rules.Problem> out, String key, long v, long min, long max) {
            if (v < min || v > max) {
                out.add(Rules.Problem.of(key, "is out of range", v, min + ".." + max));
            }
        }
    }
}
