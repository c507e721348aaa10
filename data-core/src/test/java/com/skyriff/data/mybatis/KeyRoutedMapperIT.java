package com.skyriff.data.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link KeyRouted} mapper methods: same node and same rows as the ShardingSphere path, writes on the right primary. */
class KeyRoutedMapperIT {

    /** Where a statement ran and what it read. */
    public record Seen(long userId, String name, int port, boolean replica) {
    }

    public interface AccountMapper {
        @KeyRouted(table = "accounts", user = "userId")
        @Insert("INSERT INTO accounts (user_id, name) VALUES (#{userId}, #{name})")
        int insert(@Param("userId") long userId, @Param("name") String name);

        @KeyRouted(table = "accounts", user = "userId")
        @Update("UPDATE accounts SET name = #{name} WHERE user_id = #{userId}")
        int rename(@Param("userId") long userId, @Param("name") String name);

        @KeyRouted(table = "accounts", user = "userId")
        @Select("SELECT user_id, name, inet_server_port() AS port, pg_is_in_recovery() AS replica FROM accounts "
                + "WHERE user_id = #{userId}")
        Seen keyed(@Param("userId") long userId);

        @Select("SELECT user_id, name, inet_server_port() AS port, pg_is_in_recovery() AS replica FROM accounts "
                + "WHERE user_id = #{userId}")
        Seen throughShardingSphere(@Param("userId") long userId);

        @PrimaryOnly
        @KeyRouted(table = "accounts", user = "userId")
        @Select("SELECT user_id, name, inet_server_port() AS port, pg_is_in_recovery() AS replica FROM accounts "
                + "WHERE user_id = #{userId}")
        Seen keyedOnPrimary(@Param("userId") long userId);

        /** A broadcast table: not sharded by user, so the annotation leaves it to ShardingSphere. */
        @KeyRouted(table = "regions", user = "userId")
        @Select("SELECT count(*) FROM regions WHERE #{userId} > 0")
        long regions(@Param("userId") long userId);
    }

    public interface UnknownTable {
        @KeyRouted(table = "acounts", user = "userId")
        @Select("SELECT name FROM accounts WHERE user_id = #{userId}")
        String name(@Param("userId") long userId);
    }

    public interface UnknownParam {
        @KeyRouted(table = "accounts", user = "id")
        @Select("SELECT name FROM accounts WHERE user_id = #{userId}")
        String name(@Param("userId") long userId);
    }

    public interface NotALong {
        @KeyRouted(table = "accounts", user = "userId")
        @Select("SELECT name FROM accounts WHERE user_id = CAST(#{userId} AS bigint)")
        String name(@Param("userId") String userId);
    }

    static TestDatabase db;
    static Rules rules;
    static SkyriffData data;
    static SkyriffMyBatis mybatis;
    static AccountMapper accounts;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalTopology.shared().createDatabase("key_routed_it");
        Rules.Builder b = Rules.builder().name("key_routed_it").bucketCount(16);
        int i = 0;
        for (PgShard s : db.shards()) {
            SkyriffMyBatisIT.exec(s.primary(), "CREATE TABLE accounts (user_id bigint PRIMARY KEY, name text NOT NULL)");
            SkyriffMyBatisIT.exec(s.primary(), "CREATE TABLE regions (code text PRIMARY KEY)");
            SkyriffMyBatisIT.exec(s.primary(), "INSERT INTO regions VALUES ('eu'), ('us')");
            b.shard(new ShardSpec(s.name(), SkyriffMyBatisIT.node(s.primary()),
                    s.replicas().stream().map(SkyriffMyBatisIT::node).toList(), null,
                    List.of(BucketRange.of(i * 8, i * 8 + 7))));
            i++;
        }
        rules = b.table(TableSpec.user("accounts", "user_id")).table(TableSpec.broadcast("regions")).build();
        data = SkyriffData.builder().rules(rules).build();
        mybatis = SkyriffMyBatis.builder(data).mapper(AccountMapper.class).build();
        accounts = mybatis.mapper(AccountMapper.class);
        for (long u = 1; u <= 200; u++) {
            assertThat(accounts.insert(u, "user-" + u)).isEqualTo(1);
        }
        for (PgShard s : db.shards()) {
            s.awaitReplicaCatchUp(Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void stop() {
        if (data != null) {
            data.close();
        }
    }

    @Test
    void build_takesTheFastPathForUserShardedTablesOnly() {
        String m = AccountMapper.class.getName() + ".";
        assertThat(mybatis.keyRoutedStatements()).containsExactlyInAnyOrder(m + "insert", m + "rename", m + "keyed",
                m + "keyedOnPrimary");
        assertThat(accounts.regions(7L)).isEqualTo(2L);
    }

    @Test
    void build_keyRoutedOff_sendsEveryCallThroughShardingSphere() {
        SkyriffMyBatis off = SkyriffMyBatis.builder(data).mapper(AccountMapper.class).keyRouted(false).build();

        assertThat(off.keyRoutedStatements()).isEmpty();
        assertThat(off.mapper(AccountMapper.class).keyed(5L)).isEqualTo(accounts.throughShardingSphere(5L));
        assertThatThrownBy(() -> SkyriffMyBatis.builder(data).mapper(UnknownTable.class).keyRouted(false).build())
                .hasMessageContaining("@KeyRouted(table = \"acounts\") names no table of the rules");
    }

    @Test
    void keyedRead_runsOnTheReplicaShardingSphereRoutesTo_andReadsTheSameRow() {
        Set<Integer> ports = new HashSet<>();
        for (long u = 1; u <= 200; u++) {
            Seen fast = accounts.keyed(u);
            assertThat(fast).as("user %s", u).isEqualTo(accounts.throughShardingSphere(u));
            assertThat(fast.name()).isEqualTo("user-" + u);
            assertThat(fast.replica()).as("user %s read on a replica", u).isTrue();
            assertThat(fast.port()).isEqualTo(replicaOf(u).port());
            ports.add(fast.port());
        }
        assertThat(ports).as("every shard's replica served some user").hasSize(db.shards().size());
    }

    @Test
    void keyedWrite_landsOnTheUsersShardPrimaryOnly() throws SQLException {
        for (long u = 1; u <= 200; u++) {
            String owner = rules.buckets().shardOf(u);
            for (PgShard s : db.shards()) {
                assertThat(nameOn(s.primary(), u)).as("user %s on %s", u, s.name())
                        .isEqualTo(s.name().equals(owner) ? "user-" + u : null);
            }
        }
    }

    @Test
    void keyedPrimaryOnlyRead_readsTheUsersShardPrimary() {
        for (long u = 1; u <= 40; u++) {
            Seen seen = accounts.keyedOnPrimary(u);
            assertThat(seen.replica()).as("user %s", u).isFalse();
            assertThat(seen.port()).isEqualTo(shardOf(u).primary().port());
        }
    }

    @Test
    void keyedWriteInsideATransaction_joinsTheTransaction_andRollsBackWithIt() throws SQLException {
        long u = 77;
        assertThatThrownBy(() -> data.useTransaction(tx -> {
            assertThat(accounts.rename(u, "renamed")).isEqualTo(1);
            assertThat(accounts.keyedOnPrimary(u).name()).isEqualTo("renamed");
            throw new IllegalStateException("roll back");
        })).hasMessage("roll back");
        assertThat(nameOn(shardOf(u).primary(), u)).isEqualTo("user-77");
        assertThatThrownBy(() -> mybatis.inTransaction(session -> {
            session.getMapper(AccountMapper.class).rename(u, "renamed");
            accounts.rename(u, "renamed again");
            throw new IllegalStateException("roll back too");
        })).hasMessage("roll back too");
        assertThat(nameOn(shardOf(u).primary(), u)).isEqualTo("user-77");
    }

    @Test
    void build_unknownTable_namesTheKeyAndTheTables() {
        assertThatThrownBy(() -> SkyriffMyBatis.builder(data).mapper(UnknownTable.class).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UnknownTable.name: @KeyRouted(table = \"acounts\") names no table of the rules")
                .hasMessageContaining("[accounts, regions]");
    }

    @Test
    void build_unknownParameter_namesTheKeyAndTheParameters() {
        assertThatThrownBy(() -> SkyriffMyBatis.builder(data).mapper(UnknownParam.class).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UnknownParam.name: @KeyRouted(user = \"id\") names no @Param")
                .hasMessageContaining("[userId]");
        assertThatThrownBy(() -> SkyriffMyBatis.builder(data).mapper(NotALong.class).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NotALong.name: @KeyRouted(user = \"userId\") must be a long or Long")
                .hasMessageContaining("java.lang.String");
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
