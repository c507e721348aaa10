package com.skyriff.data.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MyBatis routing: autocommit calls read replicas, transactions and @PrimaryOnly read primaries. */
class SkyriffMyBatisIT {

    public interface AccountMapper {
        @Insert("INSERT INTO accounts (user_id, name) VALUES (#{userId}, #{name})")
        int insert(@Param("userId") long userId, @Param("name") String name);

        @Update("UPDATE accounts SET name = #{name} WHERE user_id = #{userId}")
        int rename(@Param("userId") long userId, @Param("name") String name);

        @Select("SELECT pg_is_in_recovery() FROM accounts WHERE user_id = #{userId}")
        Boolean answeredByReplica(@Param("userId") long userId);

        @PrimaryOnly
        @Select("SELECT pg_is_in_recovery() FROM accounts WHERE user_id = #{userId}")
        Boolean answeredByReplicaPrimaryOnly(@Param("userId") long userId);

        @Select("SELECT name FROM accounts WHERE user_id = #{userId}")
        String name(@Param("userId") long userId);
    }

    static TestDatabase db;
    static SkyriffData data;
    static SkyriffMyBatis mybatis;
    static AccountMapper accounts;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalTopology.shared().createDatabase("mybatis_it");
        Rules.Builder b = Rules.builder().name("mybatis_it").bucketCount(16);
        int i = 0;
        for (PgShard s : db.shards()) {
            exec(s.primary(), "CREATE TABLE accounts (user_id bigint PRIMARY KEY, name text NOT NULL)");
            s.awaitReplicaCatchUp(Duration.ofSeconds(30));
            b.shard(new ShardSpec(s.name(), node(s.primary()), s.replicas().stream().map(SkyriffMyBatisIT::node).toList(),
                    null, List.of(BucketRange.of(i * 8, i * 8 + 7))));
            i++;
        }
        data = SkyriffData.builder().rules(b.table(TableSpec.user("accounts", "user_id")).build()).build();
        mybatis = SkyriffMyBatis.builder(data).mapper(AccountMapper.class).build();
        accounts = mybatis.mapper(AccountMapper.class);
        for (long u = 1; u <= 20; u++) {
            accounts.insert(u, "user-" + u);
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

    static NodeSpec node(PgNode n) {
        return NodeSpec.of(n.jdbcUrl(), n.user(), n.password());
    }

    static void exec(PgNode n, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(n.jdbcUrl(), n.user(), n.password()); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void mapperCall_outsideTransaction_readsAReplica() {
        for (long u = 1; u <= 20; u++) {
            assertThat(accounts.answeredByReplica(u)).as("user %s", u).isTrue();
        }
    }

    @Test
    void mapperCall_primaryOnlyMethod_readsThePrimary() {
        assertThat(mybatis.primaryOnlyStatements()).contains(AccountMapper.class.getName() + ".answeredByReplicaPrimaryOnly");
        assertThat(accounts.answeredByReplicaPrimaryOnly(3L)).isFalse();
    }

    @Test
    void inTransaction_readsPrimaryAndSeesOwnWrite_thenRunsAfterCommit() {
        List<String> events = new ArrayList<>();
        String seen = mybatis.inTransaction(session -> {
            AccountMapper m = session.getMapper(AccountMapper.class);
            m.rename(5L, "renamed");
            assertThat(m.answeredByReplica(5L)).as("inside the transaction").isFalse();
            assertThat(accounts.answeredByReplica(5L)).as("the thread-safe mapper joins the transaction").isFalse();
            SkyriffMyBatis.afterCommit(() -> events.add("after-commit"));
            assertThat(events).as("not before the commit").isEmpty();
            return m.name(5L);
        });
        assertThat(seen).isEqualTo("renamed");
        assertThat(events).containsExactly("after-commit");
        assertThat(SkyriffMyBatis.inTransaction()).isFalse();
    }

    @Test
    void inTransaction_throwing_rollsBackAndSkipsAfterCommit() {
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> mybatis.inTransaction(session -> {
            session.getMapper(AccountMapper.class).rename(7L, "lost");
            SkyriffMyBatis.afterCommit(ran::incrementAndGet);
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(ran).hasValue(0);
        try (var scope = data.primaryScope()) {
            assertThat(accounts.name(7L)).isEqualTo("user-7");
        }
    }

    @Test
    void build_unknownPrimaryOnlyStatement_namesIt() {
        assertThatThrownBy(() -> SkyriffMyBatis.builder(data).mapper(AccountMapper.class).primaryOnly("no.such.stmt").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("primaryOnly: no.such.stmt names no mapped statement");
    }
}
