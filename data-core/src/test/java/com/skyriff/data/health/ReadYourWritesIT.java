package com.skyriff.data.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.HealthSpec;
import com.skyriff.data.rules.HealthSpec.ReadYourWrites;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code read-your-writes: window} and {@code wal} with a replica whose replay is paused (it lags, but less than
 * {@code max-lag-ms}, so it stays in the rotation): a session that wrote, waited past the window and read again sees
 * its own write, in both modes. Real primaries and streaming replicas.
 */
@Tag("slow")
class ReadYourWritesIT {
    static final long WINDOW_MS = 200;
    static TestDatabase db;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalTopology.shared().createDatabase("ryw_it");
        for (PgShard shard : db.shards()) {
            try (Connection c = DriverManager.getConnection(shard.primary().jdbcUrl(), shard.primary().user(),
                    shard.primary().password()); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE counters (user_id bigint PRIMARY KEY, value bigint NOT NULL)");
                s.execute("INSERT INTO counters SELECT g, 0 FROM generate_series(1, 64) g");
            }
            shard.awaitReplicaCatchUp(Duration.ofSeconds(30));
        }
    }

    static Rules rules(ReadYourWrites mode) {
        Rules.Builder b = Rules.builder().name("ryw_it").bucketCount(64).health(HealthSpec.DEFAULTS
                .withReadYourWrites(mode).withWindowMs(WINDOW_MS).withMaxLagMs(60_000));
        int i = 0;
        for (PgShard s : db.shards()) {
            b.shard(new ShardSpec(s.name(), node(s.primary()), s.replicas().stream().map(ReadYourWritesIT::node)
                    .toList(), null, List.of(BucketRange.of(i * 32, i * 32 + 31))));
            i++;
        }
        return b.table(TableSpec.user("counters", "user_id")).build();
    }

    static NodeSpec node(PgNode n) {
        return NodeSpec.of(n.jdbcUrl(), n.user(), n.password());
    }

    static long read(SkyriffData data, long user) throws SQLException {
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT value FROM counters WHERE user_id = ?")) {
            ps.setLong(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getLong(1);
            }
        }
    }

    static void write(SkyriffData data, long user, long value) throws SQLException {
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE counters SET value = ? WHERE user_id = ?")) {
            ps.setLong(1, value);
            ps.setLong(2, user);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /** Users 1..64 on shard 0 (replay paused there), by where a read without writes lands. */
    void check(ReadYourWrites mode) throws Exception {
        PgShard shard = db.shards().get(0);
        try (SkyriffData data = SkyriffData.builder().rules(rules(mode)).build()) {
            List<Long> users = new java.util.ArrayList<>();
            for (long u = 1; u <= 64; u++) {
                if (data.rules().orElseThrow().buckets().shardOf(u).equals(shard.name())) {
                    users.add(u);
                }
            }
            assertThat(users).as("users on " + shard.name()).isNotEmpty();
            shard.pauseReplay(0);
            int stale = 0;
            try {
                long value = System.nanoTime();
                for (long user : users.subList(0, Math.min(8, users.size()))) {
                    write(data, user, value);
                    read(data, user);   // the write counts as committed from this statement on
                    Thread.sleep(WINDOW_MS * 3);   // well past the window, the replica still behind
                    if (read(data, user) != value) {
                        stale++;
                    }
                }
            } finally {
                shard.resumeReplay(0);
            }
            assertThat(stale).as(mode + ": reads older than the session's own write, after the window").isZero();
        }
        shard.awaitReplicaCatchUp(Duration.ofSeconds(30));
    }

    @Test
    void window_replicaLagsPastTheWindow_theSessionStillSeesItsWrite() throws Exception {
        check(ReadYourWrites.WINDOW);
    }

    @Test
    void wal_replicaLags_theSessionSeesItsWrite() throws Exception {
        check(ReadYourWrites.WAL);
    }
}
