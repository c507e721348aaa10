package com.skyriff.data.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.StatementRoute;
import com.skyriff.data.guard.RefusedStatementException;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plain MyBatis mappers (no annotation) over the layer's {@code DataSource}: a statement whose user id puts it on one
 * shard takes the single-shard path, is answered by the right server (the owner's replica for reads, its primary for
 * writes, {@link PrimaryOnly} reads and transactions) and returns the rows the ShardingSphere path returns for the
 * same users. These are the proofs the removed {@code @KeyRouted} fast path had, now made of the plain path.
 */
class SingleShardMapperIT {

    /** Where a statement ran and what it read. */
    public record Seen(long userId, String name, int port, boolean replica) {
    }

    public interface AccountMapper {
        @Insert("INSERT INTO accounts (user_id, name) VALUES (#{userId}, #{name})")
        int insert(@Param("userId") long userId, @Param("name") String name);

        @Update("UPDATE accounts SET name = #{name} WHERE user_id = #{userId}")
        int rename(@Param("userId") long userId, @Param("name") String name);

        @Select("SELECT user_id, name, inet_server_port() AS port, pg_is_in_recovery() AS replica FROM accounts "
                + "WHERE user_id = #{userId}")
        Seen read(@Param("userId") long userId);

        @PrimaryOnly
        @Select("SELECT user_id, name, inet_server_port() AS port, pg_is_in_recovery() AS replica FROM accounts "
                + "WHERE user_id = #{userId}")
        Seen readOnPrimary(@Param("userId") long userId);

        @Select("SELECT user_id, name, inet_server_port() AS port, pg_is_in_recovery() AS replica FROM accounts "
                + "WHERE user_id = ANY(#{ids}) ORDER BY user_id")
        List<Seen> readAll(@Param("ids") Long[] ids);

        /** MyBatis's ArrayTypeHandler: {@code connection.createArrayOf}, {@code setArray}, then {@code free()}. */
        @Select("SELECT user_id, name, inet_server_port() AS port, pg_is_in_recovery() AS replica FROM accounts "
                + "WHERE user_id = ANY(#{ids,typeHandler=org.apache.ibatis.type.ArrayTypeHandler}) ORDER BY user_id")
        List<Seen> readAllAsSqlArray(@Param("ids") Long[] ids);
    }

    static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
    static TestDatabase db;
    static Rules rules;
    /** The layer as it ships: the single-shard path on. */
    static SkyriffData data;
    /** The same database with {@code single-shard-path: false}: every statement through ShardingSphere. */
    static SkyriffData off;
    static SkyriffMyBatis mybatis;
    static AccountMapper accounts;
    static AccountMapper viaShardingSphere;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalTopology.shared().createDatabase("single_shard_mapper_it");
        Rules.Builder b = Rules.builder().name("single_shard_mapper_it").bucketCount(16);
        int i = 0;
        for (PgShard s : db.shards()) {
            SkyriffMyBatisIT.exec(s.primary(), "CREATE TABLE accounts (user_id bigint PRIMARY KEY, name text NOT NULL)");
            b.shard(new ShardSpec(s.name(), SkyriffMyBatisIT.node(s.primary()),
                    s.replicas().stream().map(SkyriffMyBatisIT::node).toList(), null,
                    List.of(BucketRange.of(i * 8, i * 8 + 7))));
            i++;
        }
        b.table(TableSpec.user("accounts", "user_id"));
        rules = b.build();
        data = SkyriffData.builder().rules(rules).meterRegistry(METERS).build();
        off = SkyriffData.builder().rules(b.singleShardPath(false).build()).build();
        mybatis = SkyriffMyBatis.builder(data).mapper(AccountMapper.class).build();
        accounts = mybatis.mapper(AccountMapper.class);
        viaShardingSphere = SkyriffMyBatis.builder(off).mapper(AccountMapper.class).build().mapper(AccountMapper.class);
        for (long u = 1; u <= 200; u++) {
            assertThat(accounts.insert(u, "user-" + u)).isEqualTo(1);
        }
        for (PgShard s : db.shards()) {
            s.awaitReplicaCatchUp(Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void stop() {
        if (off != null) {
            off.close();
        }
        if (data != null) {
            data.close();
        }
    }

    @Test
    void read_manyUsers_onTheOwnersReplica_sameServerAndRowAsShardingSphere() {
        double before = singleShardCount();
        Set<Integer> ports = new HashSet<>();
        for (long u = 1; u <= 200; u++) {
            Seen seen = accounts.read(u);
            assertThat(seen).as("user %s", u).isEqualTo(viaShardingSphere.read(u));
            assertThat(seen.name()).isEqualTo("user-" + u);
            assertThat(seen.replica()).as("user %s read on a replica", u).isTrue();
            assertThat(seen.port()).as("user %s", u).isEqualTo(replicaOf(u).port());
            ports.add(seen.port());
        }
        assertThat(ports).as("every shard's replica served some user").hasSize(db.shards().size());
        assertThat(singleShardCount() - before).as("every read on the single-shard path").isEqualTo(200);
    }

    @Test
    void write_landsOnTheOwnersPrimaryOnly() throws SQLException {
        for (long u = 1; u <= 200; u++) {
            String owner = rules.buckets().shardOf(u);
            for (PgShard s : db.shards()) {
                assertThat(nameOn(s.primary(), u)).as("user %s on %s", u, s.name())
                        .isEqualTo(s.name().equals(owner) ? "user-" + u : null);
            }
        }
    }

    @Test
    void primaryOnlyRead_readsTheOwnersPrimary() {
        double before = singleShardCount();
        for (long u = 1; u <= 40; u++) {
            Seen seen = accounts.readOnPrimary(u);
            assertThat(seen.replica()).as("user %s", u).isFalse();
            assertThat(seen.port()).as("user %s", u).isEqualTo(shardOf(u).primary().port());
            assertThat(seen).isEqualTo(viaShardingSphere.readOnPrimary(u));
        }
        assertThat(singleShardCount() - before).isEqualTo(40);
    }

    @Test
    void writeInsideATransaction_joinsTheTransaction_andRollsBackWithIt() throws SQLException {
        long u = 77;
        assertThatThrownBy(() -> data.useTransaction(tx -> {
            assertThat(accounts.rename(u, "renamed")).isEqualTo(1);
            assertThat(accounts.read(u).name()).as("read in the transaction").isEqualTo("renamed");
            assertThat(accounts.read(u).replica()).as("on the primary").isFalse();
            throw new IllegalStateException("roll back");
        })).hasMessage("roll back");
        assertThat(nameOn(shardOf(u).primary(), u)).isEqualTo("user-77");
        assertThatThrownBy(() -> mybatis.inTransaction(session -> {
            session.getMapper(AccountMapper.class).rename(u, "renamed");
            accounts.rename(u, "renamed again");
            assertThat(session.getMapper(AccountMapper.class).read(u).name()).isEqualTo("renamed again");
            throw new IllegalStateException("roll back too");
        })).hasMessage("roll back too");
        assertThat(nameOn(shardOf(u).primary(), u)).isEqualTo("user-77");
    }

    @Test
    void route_mappedStatement_namesThePathAndTheShard() {
        String m = AccountMapper.class.getName() + ".";

        StatementRoute read = mybatis.route(m + "read", Map.of("userId", 5L));
        StatementRoute write = mybatis.route(m + "rename", Map.of("userId", 5L, "name", "x"));

        assertThat(read.path()).isEqualTo(StatementRoute.Path.SINGLE_SHARD);
        assertThat(read.shard()).isEqualTo(rules.buckets().shardOf(5L));
        assertThat(read.reason()).isEqualTo(StatementRoute.ON_REPLICA);
        assertThat(write.path()).isEqualTo(StatementRoute.Path.SINGLE_SHARD);
        assertThat(write.reason()).isEqualTo(StatementRoute.ON_PRIMARY);
        assertThatThrownBy(() -> mybatis.route(m + "nope", Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route: " + m + "nope names no mapped statement");
    }

    @Test
    void anyOfAnArray_idsOfOneShard_oneStatementOnTheOwnersReplica() throws SQLException {
        String shard = rules.buckets().shardOf(1L);
        List<Long> ids = usersOf(shard, 6);
        double before = singleShardCount();

        List<Seen> seen = accounts.readAll(ids.toArray(Long[]::new));

        assertThat(seen).extracting(Seen::userId).containsExactlyElementsOf(ids);
        assertThat(seen).extracting(Seen::name).containsExactlyElementsOf(ids.stream().map(u -> "user-" + u).toList());
        assertThat(seen).extracting(Seen::port).containsOnly(replicaOf(ids.get(0)).port());
        assertThat(singleShardCount() - before).as("one statement, on the single-shard path").isEqualTo(1);
        String sql = "SELECT user_id FROM accounts WHERE user_id = ANY(?) ORDER BY user_id";
        assertThat(data.route(sql, (Object) ids.toArray(Long[]::new)).shard()).isEqualTo(shard);
        try (Connection plain = plainConnection(); Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, ids.stream().mapToLong(Long::longValue).toArray());
            assertThat(userIds(ps)).as("a long[]").containsExactlyElementsOf(ids);
            ps.setArray(1, plain.createArrayOf("bigint", ids.toArray()));
            assertThat(userIds(ps)).as("a java.sql.Array").containsExactlyElementsOf(ids);
        }
        assertThat(singleShardCount() - before).isEqualTo(3);
    }

    @Test
    void arrayTypeHandler_createArrayOfOnTheLayer_sameRowsAsPlainPostgresql_onTheOwnersReplica() throws SQLException {
        String shard = rules.buckets().shardOf(1L);
        List<Long> ids = usersOf(shard, 5);
        List<String> expected = new ArrayList<>();
        PgNode primary = shardOf(ids.get(0)).primary();
        try (Connection plain = DriverManager.getConnection(primary.jdbcUrl(), primary.user(), primary.password());
             PreparedStatement ps = plain.prepareStatement("SELECT user_id, name FROM accounts WHERE user_id = ANY(?)"
                     + " ORDER BY user_id")) {
            ps.setArray(1, plain.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    expected.add(rs.getLong(1) + ":" + rs.getString(2));
                }
            }
        }
        double before = singleShardCount();

        List<Seen> seen = accounts.readAllAsSqlArray(ids.toArray(Long[]::new));

        assertThat(seen).extracting(x -> x.userId() + ":" + x.name()).containsExactlyElementsOf(expected);
        assertThat(expected).hasSize(5);
        assertThat(seen).extracting(Seen::port).containsOnly(replicaOf(ids.get(0)).port());
        assertThat(singleShardCount() - before).as("one statement, on the single-shard path").isEqualTo(1);
    }

    @Test
    void anyOfAnArray_idsOfTwoShards_refusedSayingIn() throws SQLException {
        List<Long> ids = new ArrayList<>();
        for (PgShard s : db.shards()) {
            ids.addAll(usersOf(s.name(), 2));
        }
        String sql = "SELECT user_id FROM accounts WHERE user_id = ANY(?) ORDER BY user_id";
        try (Connection plain = plainConnection(); Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, plain.createArrayOf("bigint", ids.toArray()));
            assertThatThrownBy(ps::executeQuery).isInstanceOf(RefusedStatementException.class)
                    .hasMessageStartingWith("accounts: user_id = ANY(?) cannot be routed by ShardingSphere 5.5.2")
                    .hasMessageContaining("write user_id IN (?, ?, ...) with one marker per user id");
            ps.setArray(1, plain.createArrayOf("bigint", ids.subList(0, 2).toArray()));
            assertThat(userIds(ps)).as("the same statement with the ids of one shard").containsExactlyElementsOf(
                    ids.subList(0, 2));
        }
    }

    private static double singleShardCount() {
        return METERS.get("skyriff.statements").tag("path", "single-shard").counter().count();
    }

    private static List<Long> usersOf(String shard, int n) {
        List<Long> out = new ArrayList<>();
        for (long u = 1; u <= 200 && out.size() < n; u++) {
            if (rules.buckets().shardOf(u).equals(shard)) {
                out.add(u);
            }
        }
        return out;
    }

    /** A plain driver connection, to make {@code java.sql.Array}s outside the layer. */
    private static Connection plainConnection() throws SQLException {
        PgNode n = db.shards().get(0).primary();
        return DriverManager.getConnection(n.jdbcUrl(), n.user(), n.password());
    }

    private static List<Long> userIds(PreparedStatement ps) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    private static PgShard shardOf(long user) {
        String name = rules.buckets().shardOf(user);
        return db.shards().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static PgNode replicaOf(long user) {
        return shardOf(user).replicas().get(0);
    }

    private static String nameOn(PgNode node, long user) throws SQLException {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(), node.user(), node.password());
             PreparedStatement ps = c.prepareStatement("SELECT name FROM accounts WHERE user_id = ?")) {
            ps.setLong(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
