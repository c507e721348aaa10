package com.skyriff.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.skyriff.data.rules.Topology;
import com.skyriff.data.rules.watch.FileRulesSource;
import com.skyriff.data.rules.watch.RulesWatcher;
import com.skyriff.data.rules.watch.ZooKeeperRulesSource;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running data source follows its rules source without a restart: a replica added, a pool resized, months ahead
 * raised, a shard added with buckets moved to it, an invalid change refused (the old rules keep answering), two
 * instances on one ZooKeeper znode switching on one publish, and a write refused by a real bucket fence (a trigger
 * raising SQLSTATE 55R01) turned into a reload and a {@link BucketFencedException}. Topology: the shared one (2 shards,
 * each a primary and a streaming replica); each test its own database.
 */
class LiveRulesIT {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    static final Duration SWITCH = Duration.ofSeconds(90);
    static final String SCHEMA = "CREATE TABLE accounts (user_id bigint PRIMARY KEY, balance bigint NOT NULL);"
            + " CREATE TABLE events (user_id bigint NOT NULL, at timestamptz NOT NULL)";
    static final AtomicInteger DATABASES = new AtomicInteger();

    /** The rules text a test publishes: which nodes, buckets, pool size and months ahead. */
    record Text(TestDatabase db, boolean shard0Replica, boolean shard1, int shard1From, int poolMax, int monthsAhead) {
        static Text of(TestDatabase db) {
            return new Text(db, false, false, 16, 4, 1);
        }

        Text withReplica() {
            return new Text(db, true, shard1, shard1From, poolMax, monthsAhead);
        }

        /** shard1 exists and owns buckets {@code from}..15 (shard0 the rest). */
        Text withShard1From(int from) {
            return new Text(db, shard0Replica, true, from, poolMax, monthsAhead);
        }

        Text withPoolMax(int max) {
            return new Text(db, shard0Replica, shard1, shard1From, max, monthsAhead);
        }

        Text withMonthsAhead(int n) {
            return new Text(db, shard0Replica, shard1, shard1From, poolMax, n);
        }

        String render() {
            PgShard s0 = db.shards().get(0);
            PgShard s1 = db.shards().get(1);
            StringBuilder b = new StringBuilder();
            b.append("name: live_it\nbucket-count: 16\ncreate-missing-months: true\n");
            b.append("health: { check-interval-ms: 200 }\n");
            b.append("shards:\n");
            b.append("  - name: shard0\n    buckets: ").append(shard1 ? "0-" + (shard1From - 1) : "0-15").append('\n');
            node(b, s0.primary());
            b.append("    pool: { maximum-size: ").append(poolMax).append(", minimum-idle: 1 }\n");
            if (shard0Replica) {
                b.append("    replicas:\n      - { url: \"").append(s0.replicas().get(0).jdbcUrl()).append("\" }\n");
            }
            if (shard1) {
                b.append("  - name: shard1\n    buckets: ").append(shard1From).append("-15\n");
                node(b, s1.primary());
            }
            b.append("tables:\n  accounts: { strategy: user, key: user_id }\n");
            b.append("  events: { strategy: user+month, key: user_id, time: at, first-month: 2026-11, months-ahead: ")
                    .append(monthsAhead).append(" }\n");
            return b.toString();
        }

        private static void node(StringBuilder b, PgNode n) {
            b.append("    primary: { url: \"").append(n.jdbcUrl()).append("\", username: ").append(n.user())
                    .append(", password: \"").append(n.password()).append("\" }\n");
        }
    }

    static TestDatabase database() throws SQLException {
        TestDatabase db = LocalTopology.shared().createDatabase("live_rules_" + DATABASES.incrementAndGet());
        for (PgShard s : db.shards()) {
            OneShardIT.exec(s.primary(), SCHEMA);
        }
        return db;
    }

    static SkyriffData fromFile(Path file) {
        return SkyriffData.builder().clock(CLOCK).rulesFile(file).build();
    }

    static void insert(SkyriffData data, long user, long balance) throws SQLException {
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (user_id, balance) VALUES (?, ?)")) {
            ps.setLong(1, user);
            ps.setLong(2, balance);
            ps.executeUpdate();
        }
    }

    static int update(SkyriffData data, long user, long balance) throws SQLException {
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE accounts SET balance = ? WHERE user_id = ?")) {
            ps.setLong(1, balance);
            ps.setLong(2, user);
            return ps.executeUpdate();
        }
    }

    /** The server port and balance a plain read of {@code user}'s row came from; port -1 when there is no row. */
    static long[] read(SkyriffData data, long user) throws SQLException {
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT inet_server_port(), balance FROM accounts WHERE user_id = ?")) {
            ps.setLong(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getInt(1), rs.getLong(2)} : new long[] {-1, -1};
            }
        }
    }

    static long balanceOn(PgNode node, long user) throws SQLException {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(), node.user(), node.password());
             PreparedStatement ps = c.prepareStatement("SELECT balance FROM accounts WHERE user_id = ?")) {
            ps.setLong(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    static long version(SkyriffData data) {
        return data.rulesStatus().orElseThrow().version();
    }

    /** {@code text} written to {@code rules.yaml} in {@code dir}. */
    static Path written(Path dir, Text text) throws IOException {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, text.render());
        return file;
    }

    /** A user id whose bucket (of 16) is {@code bucket} in the rules {@code data} runs. */
    static long userInBucket(SkyriffData data, int bucket) {
        Topology topology = Topology.compile(data.rules().orElseThrow(), CLOCK);
        for (long u = 1; ; u++) {
            if (topology.bucketOf(u) == bucket) {
                return u;
            }
        }
    }

    @Test
    void rulesFile_replicaAdded_readsReachTheReplica(@TempDir Path dir) throws Exception {
        TestDatabase db = database();
        PgShard s0 = db.shards().get(0);
        Text text = Text.of(db);
        Path file = written(dir, text);
        try (SkyriffData data = fromFile(file)) {
            insert(data, 1, 10);
            assertThat(read(data, 1)).as("no replica: the primary answers").containsExactly(s0.primary().port(), 10);
            s0.awaitReplicaCatchUp(Duration.ofSeconds(30));

            FileRulesSource.of(file).publish(text.withReplica().render());

            int replicaPort = s0.replicas().get(0).port();
            await().atMost(SWITCH).until(() -> read(data, 1)[0] == replicaPort);
            assertThat(read(data, 1)).containsExactly(replicaPort, 10);
            assertThat(data.pools()).containsKeys("shard0_primary", "shard0_replica_0");
            assertThat(version(data)).isEqualTo(2);
            assertThat(data.nodeStatus()).extracting(n -> n.dataSourceName())
                    .containsExactly("shard0_primary", "shard0_replica_0");

            FileRulesSource.of(file).publish(text.render());
            await().atMost(SWITCH).until(() -> version(data) == 3);
            // a shard without replicas names its primary after the shard
            assertThat(data.pools()).containsOnlyKeys("shard0");
            assertThat(read(data, 1)).as("replica removed: the primary answers again")
                    .containsExactly(s0.primary().port(), 10);
        }
    }

    @Test
    void rulesFile_poolResized_samePoolTakesTheNewSizes(@TempDir Path dir) throws Exception {
        TestDatabase db = database();
        Text text = Text.of(db);
        Path file = written(dir, text);
        try (SkyriffData data = fromFile(file)) {
            insert(data, 2, 20);
            HikariDataSource before = data.pools().get("shard0");
            assertThat(before.getHikariConfigMXBean().getMaximumPoolSize()).isEqualTo(4);

            FileRulesSource.of(file).publish(text.withPoolMax(9).render());
            await().atMost(SWITCH).until(() -> version(data) == 2);

            HikariDataSource after = data.pools().get("shard0");
            assertThat(after).as("resized in place, not replaced").isSameAs(before);
            assertThat(after.getHikariConfigMXBean().getMaximumPoolSize()).isEqualTo(9);
            assertThat(data.rules().orElseThrow().nodes().get(0).pool().maximumSize()).isEqualTo(9);
            // more connections than the old size are in use at once (each transaction holds one of the primary's)
            List<Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < 7; i++) {
                    Connection c = data.dataSource().getConnection();
                    held.add(c);
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement("SELECT balance FROM accounts WHERE user_id = ?")) {
                        ps.setLong(1, 2);
                        ps.executeQuery().close();
                    }
                }
                assertThat(after.getHikariPoolMXBean().getActiveConnections()).isEqualTo(7);
            } finally {
                for (Connection c : held) {
                    c.close();
                }
            }
            assertThat(read(data, 2)[1]).isEqualTo(20);
        }
    }

    @Test
    void rulesFile_monthsAheadRaised_newMonthTablesCreatedAndWritable(@TempDir Path dir) throws Exception {
        TestDatabase db = database();
        PgNode p0 = db.shards().get(0).primary();
        Text text = Text.of(db);
        Path file = written(dir, text);
        try (SkyriffData data = fromFile(file)) {
            assertThat(tables(p0, "events_%")).containsExactly("events_202611", "events_202612");

            FileRulesSource.of(file).publish(text.withMonthsAhead(3).render());
            await().atMost(SWITCH).until(() -> version(data) == 2);

            assertThat(tables(p0, "events_%"))
                    .containsExactly("events_202611", "events_202612", "events_202701", "events_202702");
            try (Connection c = data.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO events (user_id, at) VALUES (?, ?)")) {
                ps.setLong(1, 3);
                ps.setTimestamp(2, java.sql.Timestamp.from(Instant.parse("2027-02-10T00:00:00Z")));
                ps.executeUpdate();
            }
            try (Connection c = DriverManager.getConnection(p0.jdbcUrl(), p0.user(), p0.password());
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM events_202702")) {
                rs.next();
                assertThat(rs.getLong(1)).as("the row of February 2027 in its new month table").isEqualTo(1);
            }
        }
    }

    static List<String> tables(PgNode node, String like) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(), node.user(), node.password());
             PreparedStatement ps = c.prepareStatement(
                     "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE ? ORDER BY 1")) {
            ps.setString(1, like);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    @Test
    void rulesFile_shardAddedAndBucketsMoved_readsAndWritesGoToTheNewShard(@TempDir Path dir) throws Exception {
        TestDatabase db = database();
        PgNode p0 = db.shards().get(0).primary();
        PgNode p1 = db.shards().get(1).primary();
        Text text = Text.of(db);
        Path file = written(dir, text);
        try (SkyriffData data = fromFile(file)) {
            long moving = userInBucket(data, 12);
            long staying = userInBucket(data, 3);
            insert(data, moving, 100);
            insert(data, staying, 200);
            assertThat(balanceOn(p0, moving)).isEqualTo(100);

            // the test is the resharding job here: it copies the moving buckets' rows, then publishes the new rules
            OneShardIT.exec(p1, "INSERT INTO accounts VALUES (" + moving + ", 100)");
            FileRulesSource.of(file).publish(text.withShard1From(8).render());
            await().atMost(SWITCH).until(() -> data.rules().orElseThrow().shards().size() == 2);

            assertThat(read(data, moving)).as("read of a moved bucket: shard1's primary (no replica in the rules)")
                    .containsExactly(p1.port(), 100);
            assertThat(update(data, moving, 101)).isEqualTo(1);
            assertThat(balanceOn(p1, moving)).as("the write went to the new shard").isEqualTo(101);
            assertThat(balanceOn(p0, moving)).as("the old copy is untouched").isEqualTo(100);
            assertThat(read(data, staying)).containsExactly(p0.port(), 200);
            assertThat(tables(p1, "events_%")).as("month tables created on the added shard")
                    .containsExactly("events_202611", "events_202612");
            assertThat(data.route("SELECT balance FROM accounts WHERE user_id = ?", moving).shard()).isEqualTo("shard1");
        }
    }

    @Test
    void rulesFile_invalidChange_refusedNamingTheKeys_oldRulesKeepAnswering(@TempDir Path dir) throws Exception {
        TestDatabase db = database();
        PgNode p0 = db.shards().get(0).primary();
        Text text = Text.of(db);
        Path file = written(dir, text);
        try (SkyriffData data = fromFile(file)) {
            insert(data, 4, 40);
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
            assertThat(data.reloadRules()).as("a touch is no change").isEqualTo(RulesWatcher.Outcome.UNCHANGED);

            String bad = text.withReplica().render().replace("maximum-size: 4", "maximum-size: -3")
                    .replace("strategy: user, key", "strategy: usr, key");
            FileRulesSource.of(file).publish(bad);
            await().atMost(SWITCH).until(() -> data.rulesStatus().orElseThrow().lastRefused() != null);

            RulesWatcher.Status status = data.rulesStatus().orElseThrow();
            assertThat(status.version()).isEqualTo(1);
            assertThat(status.lastRefused().keys()).anyMatch(k -> k.endsWith("maximum-size"))
                    .anyMatch(k -> k.equals("tables.accounts.strategy"));
            assertThat(String.join("\n", status.lastRefused().problems()))
                    .contains("tables.accounts.strategy").contains("maximum-size");
            if (!p0.password().isEmpty()) {
                assertThat(String.join("\n", status.lastRefused().problems())).doesNotContain(p0.password());
            }
            assertThat(data.pools()).as("the replica of the refused text was not added").containsOnlyKeys("shard0");
            assertThat(read(data, 4)).containsExactly(p0.port(), 40);
            insert(data, 5, 50);
            assertThat(balanceOn(p0, 5)).isEqualTo(50);

            // the next valid text is applied and clears the refusal
            FileRulesSource.of(file).publish(text.withPoolMax(5).render());
            await().atMost(SWITCH).until(() -> version(data) == 2);
            assertThat(data.rulesStatus().orElseThrow().lastRefused()).isNull();
        }
    }

    @Test
    void zooKeeper_twoInstancesOnOneZnode_onePublish_bothSwitch() throws Exception {
        TestDatabase db = database();
        PgShard s0 = db.shards().get(0);
        Text text = Text.of(db);
        try (TestingServer zk = new TestingServer(true);
             ZooKeeperRulesSource writer = ZooKeeperRulesSource.connect(zk.getConnectString(), "/skyriff/live_it")) {
            writer.publish(text.render());
            try (SkyriffData a = SkyriffData.builder().clock(CLOCK).zooKeeper(zk.getConnectString(), "/skyriff/live_it")
                    .build();
                 SkyriffData b = SkyriffData.builder().clock(CLOCK).zooKeeper(zk.getConnectString(), "/skyriff/live_it")
                         .build()) {
                insert(a, 6, 60);
                s0.awaitReplicaCatchUp(Duration.ofSeconds(30));
                assertThat(read(b, 6)).containsExactly(s0.primary().port(), 60);

                writer.publish(text.withReplica().withPoolMax(6).render());

                int replicaPort = s0.replicas().get(0).port();
                for (SkyriffData d : List.of(a, b)) {
                    await().atMost(SWITCH).until(() -> version(d) == 2);
                    assertThat(d.pools().get("shard0_primary").getHikariConfigMXBean().getMaximumPoolSize())
                            .isEqualTo(6);
                    await().atMost(SWITCH).until(() -> read(d, 6)[0] == replicaPort);
                }

                // compare-and-set: a writer that has not seen the latest version is refused
                try (ZooKeeperRulesSource stale = ZooKeeperRulesSource.connect(zk.getConnectString(),
                        "/skyriff/live_it")) {
                    stale.read();
                    writer.publish(text.withReplica().withPoolMax(7).render());
                    assertThatThrownBy(() -> stale.publish(text.render())).isInstanceOf(IOException.class)
                            .hasMessageContaining("changed by another writer since version");
                }
                for (SkyriffData d : List.of(a, b)) {
                    await().atMost(SWITCH).until(() -> version(d) == 3);
                }
            }
        }
    }

    @Test
    void builder_zooKeeper_badSettings_nameTheKey() {
        assertThatThrownBy(() -> SkyriffData.builder().zooKeeper("", "/skyriff/rules"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("zookeeper.connect must be host:port[,host:port...]; was ''");
        assertThatThrownBy(() -> SkyriffData.builder().zooKeeper("127.0.0.1:2181", "skyriff/rules"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("zookeeper.path must be an absolute znode path such as /skyriff/rules; was"
                        + " 'skyriff/rules'");
        assertThatThrownBy(() -> SkyriffData.builder().zooKeeper("user:secret@127.0.0.1:2181", "/r"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("<masked>").hasMessageNotContaining("secret");
    }

    @Test
    void fencedWrite_rulesMovedTheBucket_reloadsAndTheRetryRunsOnTheNewShard(@TempDir Path dir) throws Exception {
        TestDatabase db = database();
        PgNode p0 = db.shards().get(0).primary();
        PgNode p1 = db.shards().get(1).primary();
        Text text = Text.of(db);
        Path file = written(dir, text);
        try (SkyriffData data = fromFile(file)) {
            long user = userInBucket(data, 13);
            insert(data, user, 7);
            OneShardIT.exec(p0, """
                    CREATE FUNCTION fence_bucket() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      RAISE EXCEPTION USING ERRCODE = '55R01',
                        MESSAGE = 'skyriff: bucket 13 is being moved; writes to it are fenced on this shard';
                    END $$;
                    CREATE TRIGGER fence BEFORE UPDATE OR DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION fence_bucket();
                    """);

            // fenced, and the rules have not moved the bucket yet: reloaded, nothing changed
            assertThatThrownBy(() -> update(data, user, 8))
                    .isInstanceOfSatisfying(BucketFencedException.class, e -> {
                        assertThat(e.bucket()).isEqualTo(13);
                        assertThat(e.shard()).isEqualTo("shard0");
                        assertThat(e.rulesSwitched()).isFalse();
                        assertThat(e.getSQLState()).isEqualTo("55R01");
                    })
                    .isInstanceOf(java.sql.SQLTransientException.class)
                    .hasMessageStartingWith("shard0 - bucket 13 is being moved to another shard and its writes are"
                            + " fenced here (skyriff: bucket 13 is being moved")
                    .hasMessageContaining("the rules were reloaded from rules file " + file.toAbsolutePath()
                            + " (version 1 runs)")
                    .hasMessageEndingWith("retry the transaction");
            assertThat(balanceOn(p0, user)).isEqualTo(7);

            // the cutover: rows copied, rules published; the fenced write's reload switches (or finds the switch done)
            OneShardIT.exec(p1, "INSERT INTO accounts VALUES (" + user + ", 7)");
            FileRulesSource.of(file).publish(text.withShard1From(8).render());
            assertThatThrownBy(() -> {
                try (Connection c = data.dataSource().getConnection()) {
                    c.setAutoCommit(false);
                    // a transaction that began on the old rules (this connection's generation) stays there
                    await().atMost(SWITCH).until(() -> version(data) == 2);
                    try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET balance = ? WHERE user_id = ?")) {
                        ps.setLong(1, 9);
                        ps.setLong(2, user);
                        ps.executeUpdate();
                    }
                }
            }).isInstanceOfSatisfying(BucketFencedException.class, e -> assertThat(e.rulesSwitched()).isTrue())
                    .hasMessageContaining("(version 2 runs)").hasMessageEndingWith("retry the transaction");
            // the caller's retry runs on the new generation: the bucket's new shard
            assertThat(update(data, user, 9)).isEqualTo(1);
            assertThat(balanceOn(p1, user)).isEqualTo(9);
            assertThat(balanceOn(p0, user)).isEqualTo(7);
        }
    }

    @Test
    void fencedWrite_builtFromRulesValue_saysTheRulesCouldNotBeReloaded() throws Exception {
        TestDatabase db = database();
        PgNode p0 = db.shards().get(0).primary();
        try (SkyriffData data = SkyriffData.builder().clock(CLOCK).rules(com.skyriff.data.rules.RulesReader.parse(
                Text.of(db).render(), "rules.yaml", System::getenv, CLOCK)).build()) {
            insert(data, 11, 1);
            OneShardIT.exec(p0, """
                    CREATE FUNCTION fence_bucket() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      RAISE EXCEPTION USING ERRCODE = '55R01', MESSAGE = 'skyriff: bucket 2 is being moved';
                    END $$;
                    CREATE TRIGGER fence BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION fence_bucket();
                    """);
            assertThatThrownBy(() -> update(data, 11, 2)).isInstanceOf(BucketFencedException.class)
                    .hasMessageContaining("the rules could not be reloaded: this data source was built from a Rules"
                            + " value and watches no rules source")
                    .hasMessageEndingWith("retry the transaction");
            assertThatThrownBy(data::reloadRules).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("reloadRules: this data source watches no rules source");
        }
    }
}
