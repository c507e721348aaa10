package com.skyriff.data.rules.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.RulesException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher over a real file and a real (in-process) ZooKeeper: content changes apply, others do not. */
class RulesWatcherTest {
    static final Clock CLOCK = Clock.systemUTC();

    static String rules(int poolMax) {
        return """
                name: watch_test
                bucket-count: 16
                shards:
                  - name: shard0
                    primary: { url: "jdbc:postgresql://127.0.0.1:5999/db", username: app, password: "s3cret-pw" }
                    pool: { maximum-size: %d }
                tables:
                  accounts: { strategy: user, key: user_id }
                """.formatted(poolMax);
    }

    static int poolMax(Rules r) {
        return r.nodes().get(0).pool().maximumSize();
    }

    @Test
    void check_fileRewrittenWithNewContent_applied_touchOrSameTextIsNoChange(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, rules(3));
        List<Rules> applied = new CopyOnWriteArrayList<>();
        try (RulesWatcher w = RulesWatcher.open(FileRulesSource.of(file, 60_000), System::getenv, CLOCK)) {
            assertThat(poolMax(w.initial())).isEqualTo(3);
            w.start(applied::add);
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(3)));
            assertThat(w.check()).isEqualTo(RulesWatcher.Outcome.UNCHANGED);
            w.source().publish(rules(3));
            assertThat(w.check()).isEqualTo(RulesWatcher.Outcome.UNCHANGED);
            assertThat(applied).isEmpty();

            w.source().publish(rules(8));
            assertThat(w.check()).isEqualTo(RulesWatcher.Outcome.APPLIED);
            assertThat(applied).singleElement().extracting(RulesWatcherTest::poolMax).isEqualTo(8);
            assertThat(w.status().version()).isEqualTo(2);
            assertThat(w.status().lastRefused()).isNull();
        }
    }

    @Test
    void check_invalidText_refusedWithEveryKey_secretMasked_versionKept(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, rules(3));
        List<Rules> applied = new CopyOnWriteArrayList<>();
        try (RulesWatcher w = RulesWatcher.open(FileRulesSource.of(file, 60_000), System::getenv, CLOCK)) {
            w.start(applied::add);
            w.source().publish(rules(-1).replace("strategy: user,", "strategy: usr,")
                    .replace("url: \"jdbc:postgresql://127.0.0.1:5999/db\"", "url: \"mysql://u:s3cret-pw@h/db\""));
            assertThat(w.check()).isEqualTo(RulesWatcher.Outcome.REFUSED);
            RulesWatcher.Refusal r = w.status().lastRefused();
            assertThat(r.keys()).contains("tables.accounts.strategy").anyMatch(k -> k.endsWith("pool.maximum-size"))
                    .anyMatch(k -> k.endsWith("primary.url"));
            assertThat(String.join("\n", r.problems())).doesNotContain("s3cret-pw");
            assertThat(w.status().version()).isEqualTo(1);
            assertThat(w.check()).as("the same refused text is not checked again").isEqualTo(
                    RulesWatcher.Outcome.UNCHANGED);
            assertThat(applied).isEmpty();
        }
    }

    @Test
    void check_applierThrows_refused_previousRulesKept(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, rules(3));
        try (RulesWatcher w = RulesWatcher.open(FileRulesSource.of(file, 60_000), System::getenv, CLOCK)) {
            w.start(r -> {
                throw new java.sql.SQLException("shard0 primary - cannot check month tables");
            });
            w.source().publish(rules(4));
            assertThat(w.check()).isEqualTo(RulesWatcher.Outcome.REFUSED);
            assertThat(w.status().lastRefused().problems()).singleElement().asString()
                    .isEqualTo("watch_test - could not be started: shard0 primary - cannot check month tables");
            assertThat(w.status().version()).isEqualTo(1);
        }
    }

    @Test
    void open_invalidFile_throwsEveryProblem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, rules(0).replace("strategy: user,", "strategy: usr,"));
        assertThatThrownBy(() -> RulesWatcher.open(FileRulesSource.of(file), System::getenv, CLOCK))
                .isInstanceOf(RulesException.class).hasMessageContaining("2 problems")
                .hasMessageContaining("tables.accounts.strategy");
    }

    @Test
    void watch_fileChanged_appliedWithoutACheckCall(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, rules(3));
        LinkedBlockingQueue<Rules> applied = new LinkedBlockingQueue<>();
        try (RulesWatcher w = RulesWatcher.open(FileRulesSource.of(file, 20), System::getenv, CLOCK)) {
            w.start(applied::add);
            w.source().publish(rules(5));
            Rules r = applied.poll(30, TimeUnit.SECONDS);
            assertThat(r).isNotNull();
            assertThat(poolMax(r)).isEqualTo(5);
        }
    }

    @Test
    void zooKeeper_publishedChange_reachesTheWatcher_staleWriterRefused() throws Exception {
        try (TestingServer zk = new TestingServer(true);
             ZooKeeperRulesSource writer = ZooKeeperRulesSource.connect(zk.getConnectString(), "/skyriff/rules")) {
            writer.publish(rules(3));
            assertThat(writer.version()).isZero();
            LinkedBlockingQueue<Rules> applied = new LinkedBlockingQueue<>();
            try (RulesWatcher w = RulesWatcher.open(ZooKeeperRulesSource.connect(zk.getConnectString(),
                    "/skyriff/rules"), System::getenv, CLOCK)) {
                assertThat(poolMax(w.initial())).isEqualTo(3);
                w.start(applied::add);
                writer.publish(rules(6));
                Rules r = applied.poll(30, TimeUnit.SECONDS);
                assertThat(r).isNotNull();
                assertThat(poolMax(r)).isEqualTo(6);

                ZooKeeperRulesSource other = (ZooKeeperRulesSource) w.source();
                writer.publish(rules(7));
                assertThatThrownBy(() -> other.publish(rules(1), 1)).isInstanceOf(IOException.class)
                        .hasMessage("ZooKeeper " + zk.getConnectString() + " znode /skyriff/rules: changed by another"
                                + " writer since version 1 was read; read the rules again and publish on top of them");
                assertThat(poolMax(applied.poll(30, TimeUnit.SECONDS))).isEqualTo(7);
            }
        }
    }

    @Test
    void zooKeeper_serverRestarted_changeMadeMeanwhileIsApplied() throws Exception {
        try (TestingServer zk = new TestingServer(true);
             ZooKeeperRulesSource writer = ZooKeeperRulesSource.connect(zk.getConnectString(), "/skyriff/rules")) {
            writer.publish(rules(3));
            LinkedBlockingQueue<Rules> applied = new LinkedBlockingQueue<>();
            try (RulesWatcher w = RulesWatcher.open(ZooKeeperRulesSource.connect(zk.getConnectString(),
                    "/skyriff/rules"), System::getenv, CLOCK)) {
                w.start(applied::add);
                zk.restart();
                writer.publish(rules(9));
                Rules r = applied.poll(60, TimeUnit.SECONDS);
                assertThat(r).isNotNull();
                assertThat(poolMax(r)).isEqualTo(9);
            }
        }
    }
}
