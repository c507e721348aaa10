package com.skyriff.data.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.skyriff.data.SkyriffData;
import com.skyriff.data.StatementRoute;
import com.skyriff.data.guard.RefusedStatementException;
import com.skyriff.data.mybatis.SkyriffMyBatis;
import com.skyriff.data.spring.boot.app.Server;
import com.skyriff.data.spring.boot.app.TestApp;
import com.skyriff.data.spring.boot.app.TestTopology;
import com.skyriff.data.spring.boot.app.User;
import com.skyriff.data.spring.boot.app.UserMapper;
import com.skyriff.data.spring.boot.app.UserService;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.CacheManager;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The test application on the real local topology (2 shards x primary + streaming replica, Redis): routing proven by
 * the answering server ({@code pg_is_in_recovery()}, {@code inet_server_port()}), Spring transactions, scanned
 * mappers with the layer's annotations, JdbcTemplate, metrics, the endpoint.
 */
@SpringBootTest(classes = TestApp.class, properties = {
        "skyriff.data.rules=classpath:rules/starter-it.yaml",
        "skyriff.data.spring-cache.user=com.skyriff.data.spring.boot.app.User",
        "mybatis.configuration.map-underscore-to-camel-case=true",
        "management.endpoints.web.exposure.include=health,skyriff"})
class SkyriffBootIT {
    static TestDatabase db;

    @DynamicPropertySource
    static void topology(DynamicPropertyRegistry registry) {
        db = TestTopology.database("starter_boot_it");
        TestTopology.properties(db).forEach((k, v) -> registry.add(k, () -> v));
    }

    @Autowired SkyriffData data;
    @Autowired DataSource dataSource;
    @Autowired JdbcTemplate jdbc;
    @Autowired PlatformTransactionManager transactionManager;
    @Autowired UserMapper users;
    @Autowired UserService service;
    @Autowired SkyriffMyBatis mybatis;
    @Autowired SqlSessionFactory sqlSessionFactory;
    @Autowired MeterRegistry registry;
    @Autowired SkyriffEndpoint endpoint;
    @Autowired CacheManager cacheManager;
    final ObjectMapper json = new ObjectMapper();

    /** The shard that owns {@code userId}, by asking the layer's own routing model. */
    PgShard shardOf(long userId) {
        String name = data.rules().orElseThrow().buckets().shardOf(userId);
        return db.shards().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    void awaitReplicas() {
        db.shards().forEach(s -> s.awaitReplicaCatchUp(Duration.ofSeconds(10)));
    }

    @Test
    void beans_autoConfigured_areTheLayers() {
        assertThat(dataSource).as("the DataSource bean").isSameAs(data.dataSource());
        assertThat(transactionManager).isInstanceOf(SkyriffTransactionManager.class);
        assertThat(jdbc.getDataSource()).as("Boot's JdbcTemplate runs on the layer").isSameAs(data.dataSource());
        assertThat(sqlSessionFactory.getConfiguration().getEnvironment().getDataSource()).isSameAs(data.dataSource());
        assertThat(cacheManager).isInstanceOf(SkyriffCacheManager.class);
    }

    @Test
    void plainRead_outsideTransaction_answeredByTheUsersShardReplica() {
        long id = 1001;
        jdbc.update("INSERT INTO users (user_id, handle) VALUES (?, ?)", id, "ada");
        awaitReplicas();
        PgShard shard = shardOf(id);
        Map<String, Object> row = jdbc.queryForMap(
                "SELECT pg_is_in_recovery() AS replica, inet_server_port() AS port FROM users WHERE user_id = ?", id);
        assertThat(row).as("JdbcTemplate read").containsEntry("replica", true)
                .containsEntry("port", shard.replicas().get(0).port());
        Server viaMapper = users.serverOf(id);
        assertThat(viaMapper.isReplica()).as("scanned mapper read %s", viaMapper).isTrue();
        assertThat(viaMapper.getPort()).isEqualTo(shard.replicas().get(0).port());
        assertThat(TestTopology.query(shard.primary(), "SELECT handle FROM users WHERE user_id = ?", id))
                .as("the write landed on the owning shard's primary").isEqualTo("ada");
        PgShard other = db.shards().stream().filter(s -> s != shard).findFirst().orElseThrow();
        assertThat(TestTopology.query(other.primary(), "SELECT handle FROM users WHERE user_id = ?", id))
                .as("and not on the other shard").isNull();
    }

    @Test
    void transactionalMethod_read_answeredByThePrimary() {
        long id = 1002;
        users.insert(id, "bob");
        Server s = service.serverInTransaction(id);
        assertThat(s.isReplica()).as("inside @Transactional: %s", s).isFalse();
        assertThat(s.getPort()).isEqualTo(shardOf(id).primary().port());
    }

    @Test
    void readOnlyTransaction_replicasMode_eachStatementAnsweredByAReplica() {
        long id = 1003;
        users.insert(id, "cy");
        awaitReplicas();
        List<Server> servers = service.serversInReadOnlyTransaction(id);
        assertThat(servers).as("@Transactional(readOnly = true), skyriff.data.read-only-transactions=replicas")
                .allSatisfy(s -> {
                    assertThat(s.isReplica()).isTrue();
                    assertThat(s.getPort()).isEqualTo(shardOf(id).replicas().get(0).port());
                });
    }

    @Test
    void readOnlyTransaction_replicasMode_writeRefusedBeforeItRuns() {
        long id = 1014;
        assertThatThrownBy(() -> service.insertInReadOnlyTransaction(id))
                .rootCause().isInstanceOf(java.sql.SQLException.class)
                .hasMessageStartingWith("@Transactional(readOnly = true): INSERT statement refused;")
                .satisfies(e -> assertThat(((java.sql.SQLException) e).getSQLState()).isEqualTo("25006"));
        assertThat(TestTopology.query(shardOf(id).primary(), "SELECT handle FROM users WHERE user_id = ?", id))
                .as("nothing written").isNull();
    }

    @Test
    void rolledBackTransaction_mybatisAndJdbcTemplateInserts_leaveNothing() {
        long first = 1004;
        long second = 1005;
        assertThatThrownBy(() -> service.insertTwoThenFail(first, second)).hasMessage("boom after two inserts");
        for (long id : new long[] {first, second}) {
            assertThat(TestTopology.query(shardOf(id).primary(), "SELECT handle FROM users WHERE user_id = ?", id))
                    .as("user %d on its primary after the rollback", id).isNull();
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM users WHERE user_id = ?", Long.class, first)).isZero();
    }

    @Test
    void txAfterCommit_insideTransactional_runsAfterCommitOnly() {
        AtomicReference<String> log = new AtomicReference<>();
        service.insertWithAfterCommit(1006, log, false);
        assertThat(log.get()).as("the action ran after the method body, on Spring's commit").isEqualTo("in-method,after-commit");

        AtomicReference<String> failed = new AtomicReference<>();
        assertThatThrownBy(() -> service.insertWithAfterCommit(1007, failed, true)).hasMessage("boom after afterCommit");
        assertThat(failed.get()).as("rolled back: the action never ran").isEqualTo("in-method");
        assertThat(TestTopology.query(shardOf(1007).primary(), "SELECT handle FROM users WHERE user_id = ?", 1007L))
                .isNull();
    }

    @Test
    void layerTransaction_insideTransactional_joinsIt() throws Exception {
        assertThat(service.insertThenReadThroughLayerTransaction(1008))
                .as("data.inTransaction inside @Transactional sees the uncommitted row: one transaction").isEqualTo("joined");
    }

    @Test
    void primaryOnlyMethod_scannedMapper_answeredByThePrimary() {
        long id = 1009;
        users.insert(id, "dee");
        awaitReplicas();
        Server plain = users.serverOf(id);
        Server primaryOnly = users.serverOfPrimaryOnly(id);
        assertThat(plain.isReplica()).as("same SELECT without @PrimaryOnly: %s", plain).isTrue();
        assertThat(primaryOnly.isReplica()).as("@PrimaryOnly: %s", primaryOnly).isFalse();
        assertThat(primaryOnly.getPort()).isEqualTo(shardOf(id).primary().port());
    }

    @Test
    void cachedAndInvalidates_scannedMapper_readThroughAndInvalidateAfterCommitOnly() {
        long id = 1010;
        users.insert(id, "eve");
        assertThat(users.findById(id).getHandle()).isEqualTo("eve");
        // change the row behind the layer's back: a cache hit still answers the cached value
        TestTopology.execute(shardOf(id).primary(), "UPDATE users SET handle = 'behind' WHERE user_id = " + id);
        awaitReplicas();
        assertThat(users.findById(id).getHandle()).as("@Cached: served from Redis").isEqualTo("eve");

        assertThatThrownBy(() -> service.renameThenFail(id, "rolled-back")).hasMessage("boom after rename");
        assertThat(users.findById(id).getHandle()).as("@Invalidates of a rolled-back write: entry kept").isEqualTo("eve");

        service.rename(id, "renamed");
        assertThat(users.findById(id).getHandle()).as("@Invalidates after commit: reloaded").isEqualTo("renamed");
        users.rename(id, "autocommit");
        assertThat(users.findById(id).getHandle()).as("autocommit @Invalidates: at once").isEqualTo("autocommit");
    }

    @Test
    void scannedMapper_keyedStatement_takesTheSingleShardPathToTheUsersReplica() {
        long a = 1011;
        long otherShard = 3000;
        while (shardOf(otherShard).name().equals(shardOf(a).name())) {
            otherShard++;
        }
        users.insert(a, "k1");
        users.insert(otherShard, "k3");
        awaitReplicas();
        String id = UserMapper.class.getName() + ".serverOf";

        for (long u : new long[] {a, otherShard}) {
            Server s = users.serverOf(u);

            assertThat(mybatis.route(id, Map.of("userId", u)).path()).isEqualTo(StatementRoute.Path.SINGLE_SHARD);
            assertThat(mybatis.route(id, Map.of("userId", u)).shard()).isEqualTo(shardOf(u).name());
            assertThat(s.isReplica()).as("user %s", u).isTrue();
            assertThat(s.getPort()).as("user %s", u).isEqualTo(shardOf(u).replicas().get(0).port());
        }
        assertThatThrownBy(() -> jdbc.queryForObject("SELECT count(*) FROM users WHERE user_id <> ?", Long.class, a))
                .as("a statement no user id pins to one shard: the guard refuses it")
                .hasRootCauseInstanceOf(RefusedStatementException.class);
    }

    @Test
    void springCacheable_sync_usesTheLayersCache_nonSyncRefused() {
        long id = 1012;
        users.insert(id, "fay");
        assertThat(service.cachedUser(id).getHandle()).isEqualTo("fay");
        TestTopology.execute(shardOf(id).primary(), "UPDATE users SET handle = 'behind' WHERE user_id = " + id);
        assertThat(service.cachedUser(id).getHandle()).as("@Cacheable(sync = true) hit").isEqualTo("fay");
        assertThat(users.findById(id).getHandle()).as("the mapper's @Cached reads the same entry").isEqualTo("fay");
        service.renameEvicting(id, "evicted");
        assertThat(service.cachedUser(id).getHandle()).as("@CacheEvict after commit").isEqualTo("evicted");
        assertThatThrownBy(() -> service.cachedUserWithoutSync(id))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("cache user: @Cacheable without sync = true is not supported over the layer's cache; use"
                        + " @Cacheable(sync = true): the layer fills entries only through its lease-protected loader");
    }

    @Test
    void meters_onBootsRegistry_poolsNodesAndCache() throws java.sql.SQLException {
        users.findById(1013);  // a cache miss at least
        for (com.zaxxer.hikari.HikariDataSource pool : data.pools().values()) {
            pool.getConnection().close();   // a pool registers its meters when it starts, at its first connection
        }
        assertThat(registry.find("hikaricp.connections").gauges()).as("a HikariCP pool per node").hasSize(4);
        assertThat(registry.find("skyriff.node.up").gauges()).as("skyriff.node.up per node").hasSize(4);
        assertThat(registry.find("skyriff.replica.lag").timeGauges()).as("lag per replica").hasSize(2);
        assertThat(registry.getMeters().stream().map(m -> m.getId().getName()))
                .as("cache meters").anyMatch(n -> n.startsWith("skyriff.cache."));
    }

    @Test
    void endpoint_rulesAndNodes_secretsMasked() throws Exception {
        String out = json.writeValueAsString(endpoint.skyriff());
        String password = TestTopology.properties(db).get("skyriff.test.pg-password");
        assertThat(out).as("endpoint output").doesNotContain(password)
                .contains("\"password\":\"<masked>\"")
                .contains("?password=<masked>")
                .contains("\"shard0_replica_0\"", "\"inRotation\":true", "\"strategy\":\"")
                .contains(db.shards().get(0).primary().jdbcUrl());
    }
}
