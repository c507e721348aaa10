package com.skyriff.data.cache;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.config.Config;

/**
 * A real database for cache tests: {@code user_profile} (sharded by user) and {@code cache_load_log} (one row per
 * database load, so tests count loads with the database and not only with a counter), on the shared topology.
 */
final class CacheFixture implements AutoCloseable {
    static final String SCHEMA = """
            CREATE TABLE user_profile (user_id bigint PRIMARY KEY, name text NOT NULL, revision int NOT NULL DEFAULT 1);
            CREATE TABLE cache_load_log (user_id bigint NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now());
            """;

    /** The cached shape. */
    record UserProfile(long userId, String name, int revision) {
    }

    final TestDatabase db;
    final SkyriffData data;
    final AtomicInteger loads = new AtomicInteger();
    final AtomicInteger batchLoads = new AtomicInteger();

    private CacheFixture(TestDatabase db, SkyriffData data) {
        this.db = db;
        this.data = data;
    }

    static CacheFixture start(String database, MeterRegistry registry) throws SQLException {
        TestDatabase db = LocalTopology.shared().createDatabase(database);
        for (PgShard shard : db.shards()) {
            execute(shard.primary(), SCHEMA);
            shard.awaitReplicaCatchUp(Duration.ofSeconds(30));
        }
        Rules.Builder b = Rules.builder().name(database).bucketCount(64);
        int i = 0;
        for (PgShard s : db.shards()) {
            List<NodeSpec> replicas = s.replicas().stream().map(CacheFixture::node).toList();
            b.shard(new ShardSpec(s.name(), node(s.primary()), replicas, null, List.of(BucketRange.of(i * 32, i * 32 + 31))));
            i++;
        }
        Rules rules = b.table(TableSpec.user("user_profile", "user_id")).table(TableSpec.single("cache_load_log")).build();
        SkyriffData.Builder data = SkyriffData.builder().rules(rules);
        if (registry != null) {
            data.meterRegistry(registry);
        }
        return new CacheFixture(db, data.build());
    }

    /** A namespace no other test uses, so tests never see each other's keys. */
    static String freshNamespace(String prefix) {
        return prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    }

    static NodeSpec node(PgNode n) {
        return NodeSpec.of(n.jdbcUrl(), n.user(), n.password());
    }

    static void execute(PgNode node, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(), node.user(), node.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Rows written by the loaders for {@code userId}: the database's own count of loads. */
    long loadsInDatabase(long userId) throws SQLException {
        PgNode primary = db.shards().get(0).primary();
        try (Connection c = DriverManager.getConnection(primary.jdbcUrl(), primary.user(), primary.password());
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM cache_load_log WHERE user_id = ?")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    void insert(long userId, String name) throws SQLException {
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO user_profile (user_id, name) VALUES (?, ?)")) {
            ps.setLong(1, userId);
            ps.setString(2, name);
            ps.executeUpdate();
        }
    }

    static void rename(Connection c, long userId, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE user_profile SET name = ?, revision = revision + 1 WHERE user_id = ?")) {
            ps.setString(1, name);
            ps.setLong(2, userId);
            if (ps.executeUpdate() != 1) {
                throw new SQLException("no user_profile row " + userId);
            }
        }
    }

    /** The row as it is on the shard primary now. */
    UserProfile current(long userId) throws SQLException {
        com.skyriff.data.PrimaryScope scope = data.primaryScope();
        try (Connection c = data.dataSource().getConnection()) {
            return select(c, userId);
        } finally {
            scope.close();
        }
    }

    static UserProfile select(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT user_id, name, revision FROM user_profile WHERE user_id = ?")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new UserProfile(rs.getLong(1), rs.getString(2), rs.getInt(3)) : null;
            }
        }
    }

    /** The loader the tests hand to the cache: logs the load in the database, then reads the row. */
    UserProfile load(long userId) throws SQLException {
        loads.incrementAndGet();
        try (Connection c = data.dataSource().getConnection()) {
            logLoad(c, userId);
            return select(c, userId);
        }
    }

    /** A slow load (the database sleeps first), so concurrent misses really overlap. */
    UserProfile slowLoad(long userId) throws SQLException {
        loads.incrementAndGet();
        try (Connection c = data.dataSource().getConnection()) {
            logLoad(c, userId);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_sleep(0.3)");
            }
            return select(c, userId);
        }
    }

    Map<Long, UserProfile> loadAll(Set<Long> ids) throws SQLException {
        batchLoads.incrementAndGet();
        Map<Long, UserProfile> out = new HashMap<>();
        try (Connection c = data.dataSource().getConnection()) {
            for (long id : ids) {
                logLoad(c, id);
            }
            String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT user_id, name, revision FROM user_profile WHERE user_id IN (" + marks + ")")) {
                int i = 1;
                for (long id : ids) {
                    ps.setLong(i++, id);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong(1), new UserProfile(rs.getLong(1), rs.getString(2), rs.getInt(3)));
                    }
                }
            }
        }
        return out;
    }

    private static void logLoad(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO cache_load_log (user_id) VALUES (?)")) {
            ps.setLong(1, userId);
            ps.executeUpdate();
        }
    }

    /** A plain Redisson client for looking at raw keys. */
    static RedissonClient rawClient(String redisUri) {
        Config cfg = new Config();
        cfg.setCodec(ByteArrayCodec.INSTANCE);
        cfg.setNettyThreads(2);
        cfg.useSingleServer().setAddress(redisUri).setConnectionMinimumIdleSize(1).setConnectionPoolSize(2)
                .setSubscriptionConnectionMinimumIdleSize(0);
        return Redisson.create(cfg);
    }

    static byte[] raw(RedissonClient redis, String key) {
        return redis.<byte[]>getBucket(key, ByteArrayCodec.INSTANCE).get();
    }

    @Override
    public void close() {
        data.close();
    }
}
