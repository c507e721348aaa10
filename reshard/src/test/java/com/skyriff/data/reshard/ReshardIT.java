package com.skyriff.data.reshard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.rules.UserBuckets;
import com.skyriff.data.testkit.LocalTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Phase 3 (shard0 owns every bucket) to phase 4 (shard1 added, owning buckets 32-63) on the local topology, with a
 * writer routed by the live rules file running through copy, catch-up and cutover. Every check compares, per table
 * and bucket, the rows the shards hold (plain JDBC on each primary) with the model of every committed write.
 */
@Tag("slow")
class ReshardIT {
    static final Duration READY = Duration.ofSeconds(90);
    static final Duration CATCH_UP = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void bucketFunction_sameBucketAsUserBuckets_forEveryKindOfId() throws Exception {
        try (Fleet f = new Fleet("reshard_hash", dir); Connection c = Fleet.connect(f.node(0))) {
            try (java.sql.Statement s = c.createStatement()) {
                s.execute(BucketSql.createFunction());
            }
            SplittableRandom r = new SplittableRandom(3);
            long[] ids = new long[2000];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i < 4 ? new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE}[i] : i < 1000 ? r.nextLong() : i;
            }
            for (int count : new int[] {1, 7, 64, 1024, 65536}) {
                try (PreparedStatement ps = c.prepareStatement("SELECT " + BucketSql.FUNCTION + "(?, ?), "
                        + "(SELECT " + BucketSql.bucket("k", "n") + " FROM (SELECT ?::bigint AS k, ?::bigint AS n) x)")) {
                    for (long id : ids) {
                        ps.setLong(1, id);
                        ps.setInt(2, count);
                        ps.setLong(3, id);
                        ps.setLong(4, count);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            int expected = UserBuckets.bucketOf(id, count);
                            assertThat(rs.getInt(1)).as("skyriff_bucket(%d, %d)", id, count).isEqualTo(expected);
                            assertThat(rs.getInt(2)).as("inline bucket(%d, %d)", id, count).isEqualTo(expected);
                        }
                    }
                }
            }
        }
    }

    @Test
    void reshard_phase3ToPhase4_underWrites_everyRowOnceOnItsNewShard() throws Exception {
        try (Fleet f = new Fleet("reshard_main", dir)) {
            f.seed(3000);
            Fleet.Writer w = f.startWriter();
            Reshard job = f.create();
            String id = job.id();
            // the CLI dies just before creating the subscription: the job stays STARTING, a new process resumes it
            AtomicBoolean killed = new AtomicBoolean();
            job.beforeStep(step -> {
                if (step.startsWith("subscription@") && killed.compareAndSet(false, true)) {
                    throw new IllegalStateException("killed before " + step);
                }
            });
            assertThatThrownBy(() -> job.start(f.migrations)).hasMessage("killed before subscription@shard0->shard1");
            Reshard resumed = f.reopen(id);
            assertThat(resumed.status().state()).isEqualTo(Reshard.State.STARTING);
            long t0 = System.nanoTime();
            assertThat(resumed.start(f.migrations)).isEqualTo(Reshard.State.COPYING);
            // the CLI dies again during the copy (PostgreSQL copies on its own): status from yet another process
            Reshard.Status ready = Fleet.awaitReady(f.reopen(id), READY);
            long copyMs = (System.nanoTime() - t0) / 1_000_000;
            long copied = ready.parts().stream().mapToLong(Reshard.PartStatus::targetRows).sum();
            System.out.printf("copy: %d rows in %d ms (%.0f rows/s, while %d writes ran)%n", copied, copyMs,
                    copied * 1000.0 / Math.max(1, copyMs), w.writes.get());
            print(ready);
            assertThat(f.reopen(id).start(f.migrations)).as("start again is a no-op").isEqualTo(Reshard.State.COPYING);

            Reshard.Cutover cut = f.reopen(id).cutover(RulesPublisher.file(f.live), CATCH_UP);
            System.out.printf("cutover: write pause of moved buckets %d ms (catch-up %d ms, verify %d ms, reverse %d ms)%n",
                    cut.pauseMs(), cut.catchUpMs(), cut.verifyMs(), cut.reverseMs());
            assertThat(cut.verification().ok()).isTrue();
            assertThat(Files.readString(f.live)).isEqualTo(f.newText);
            Thread.sleep(1500);
            w.finish();
            assertThat(w.failure.get()).as("writer failure").isNull();
            System.out.printf("writer: %d writes, %d refused by a fence and retried%n", w.writes.get(), w.fenced.get());

            Map<String, Map<Integer, List<String>>> expected = f.expected();
            // after cutover, before cleanup: each shard's owned buckets hold exactly the model's rows
            Map<String, Map<Integer, List<String>>> owned = f.actual(0, f.newTopology, true);
            f.actual(1, f.newTopology, true).forEach((t, m) -> owned.computeIfAbsent(t, k -> new java.util.TreeMap<>())
                    .putAll(m));
            assertThat(owned).isEqualTo(expected);
            // the reverse subscription kept the source's copy of the moved buckets current
            awaitVerified(f.reopen(id));
            print(f.reopen(id).status());

            f.reopen(id).cleanup(Duration.ZERO);
            assertThat(f.union(f.newTopology)).as("every row once, on either shard").isEqualTo(expected);
            assertThat(f.actual(0, f.newTopology, false)).isEqualTo(f.actual(0, f.newTopology, true));
            assertThat(f.count(1, "SELECT count(*) FROM regions")).isEqualTo(3);
            assertThat(f.replicationObjects(id)).isEmpty();
            assertThat(f.reopen(id).status().state()).isEqualTo(Reshard.State.CLEANED_UP);
            assertThat(f.count(0, "SELECT count(*) FROM pg_class WHERE relreplident = 'f' AND relname IN ('videos')"))
                    .as("replica identity back to default").isZero();
        }
    }

    @Test
    void reshard_targetPrimaryStoppedDuringCatchUp_resumesAndLosesNothing() throws Exception {
        try (Fleet f = new Fleet("reshard_target_down", dir)) {
            f.seed(1500);
            Fleet.Writer w = f.startWriter();
            Reshard job = f.create();
            job.start(f.migrations);
            Fleet.awaitReady(job, READY);
            LocalTopology.shared().shards().get(1).stopPrimary();
            long writesBefore = w.writes.get();
            Thread.sleep(2000);
            LocalTopology.shared().shards().get(1).startPrimary();
            System.out.printf("target primary down for 2 s while %d writes ran on the source%n",
                    w.writes.get() - writesBefore);
            Reshard.Status s = Fleet.awaitReady(job, READY);
            print(s);
            Reshard.Cutover cut = job.cutover(RulesPublisher.file(f.live), CATCH_UP);
            System.out.printf("cutover after restart: pause %d ms (catch-up %d ms)%n", cut.pauseMs(), cut.catchUpMs());
            Thread.sleep(500);
            w.finish();
            assertThat(w.failure.get()).as("writer failure").isNull();
            job.cleanup(Duration.ZERO);
            assertThat(f.union(f.newTopology)).isEqualTo(f.expected());
            assertThat(f.replicationObjects(job.id())).isEmpty();
        }
    }

    @Test
    void abort_beforeCutover_underWrites_sourceKeepsEveryRowAndTargetNone() throws Exception {
        try (Fleet f = new Fleet("reshard_abort_before", dir)) {
            f.seed(1000);
            Fleet.Writer w = f.startWriter();
            Reshard job = f.create();
            job.start(f.migrations);
            Fleet.awaitReady(job, READY);
            Reshard.Abort a = f.reopen(job.id()).abort(RulesPublisher.file(f.live), CATCH_UP);
            assertThat(a.from()).isEqualTo(Reshard.State.COPYING);
            Thread.sleep(300);
            w.finish();
            assertThat(w.failure.get()).isNull();
            assertThat(w.fenced.get()).as("nothing was fenced").isZero();
            assertThat(Files.readString(f.live)).isEqualTo(f.oldText);
            assertThat(f.actual(0, f.oldTopology, false)).isEqualTo(f.expected());
            assertThat(f.actual(1, f.oldTopology, false)).isEmpty();
            assertThat(f.count(1, "SELECT count(*) FROM regions")).isZero();
            assertThat(f.replicationObjects(job.id())).isEmpty();
            assertThat(job.status().state()).isEqualTo(Reshard.State.ABORTED);
            assertThatThrownBy(() -> job.cutover(RulesPublisher.file(f.live), CATCH_UP))
                    .hasMessageContaining("cutover needs state COPYING or CUTTING_OVER; was ABORTED");
        }
    }

    @Test
    void abort_afterCutover_underWrites_writesOnTheNewShardComeBack() throws Exception {
        try (Fleet f = new Fleet("reshard_abort_after", dir)) {
            f.seed(1000);
            Fleet.Writer w = f.startWriter();
            Reshard job = f.create();
            job.start(f.migrations);
            Fleet.awaitReady(job, READY);
            job.cutover(RulesPublisher.file(f.live), CATCH_UP);
            Thread.sleep(1000); // the writer reloads and writes the moved buckets on shard1
            long onTarget = f.count(1, "SELECT count(*) FROM users WHERE handle LIKE 'w%'");
            Reshard.Abort a = job.abort(RulesPublisher.file(f.live), CATCH_UP);
            System.out.printf("abort after cutover: pause %d ms; %d users written on shard1 meanwhile%n", a.pauseMs(),
                    onTarget);
            assertThat(a.from()).isEqualTo(Reshard.State.CUT_OVER);
            Thread.sleep(500);
            w.finish();
            assertThat(w.failure.get()).isNull();
            assertThat(Files.readString(f.live)).isEqualTo(f.oldText);
            assertThat(f.actual(0, f.oldTopology, false)).isEqualTo(f.expected());
            assertThat(f.actual(1, f.oldTopology, false)).isEmpty();
            assertThat(f.replicationObjects(job.id())).isEmpty();
        }
    }

    @Test
    void cutover_beforeStart_refusedNamingTheState() throws Exception {
        try (Fleet f = new Fleet("reshard_order", dir)) {
            Reshard job = f.create();
            job.beforeStep(step -> {
                throw new IllegalStateException("killed at " + step);
            });
            assertThatThrownBy(() -> job.start(f.migrations)).hasMessage("killed at schema");
            assertThatThrownBy(() -> job.cutover(RulesPublisher.file(f.live), CATCH_UP))
                    .hasMessage("reshard " + job.id() + ": cutover needs state COPYING or CUTTING_OVER; was STARTING (run"
                            + " 'reshard start --resume " + job.id() + "' first)");
            job.beforeStep(step -> { });
            job.abort(null, CATCH_UP);
            assertThat(f.replicationObjects(job.id())).isEmpty();
        }
    }

    private static void awaitVerified(Reshard job) throws InterruptedException {
        for (int i = 0; ; i++) {
            Reshard.Verification v = job.verify();
            if (v.ok()) {
                return;
            }
            if (i > 100) {
                throw new AssertionError("source and target still differ: " + v);
            }
            Thread.sleep(100);
        }
    }

    static void print(Reshard.Status s) {
        System.out.println("status " + s.id() + " " + s.state());
        for (Reshard.PartStatus p : s.parts()) {
            System.out.printf("  %s -> %s %-22s %-12s source %6d target %6d %s%n", p.source(), p.target(), p.physical(),
                    p.sync(), p.sourceRows(), p.targetRows(), p.verified() == null ? "" : p.verified());
        }
        for (Reshard.SlotStatus sl : s.slots()) {
            System.out.printf("  slot %s on %s (%s) active=%s lag %d bytes%n", sl.slot(), sl.publisher(), sl.direction(),
                    sl.active(), sl.lagBytes());
        }
    }
}
