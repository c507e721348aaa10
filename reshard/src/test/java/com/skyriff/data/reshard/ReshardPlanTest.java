package com.skyriff.data.reshard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.RulesReader;
import com.skyriff.data.rules.Topology;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReshardPlanTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC);

    static Topology example(String file) {
        String text = RulesReader.readText(Path.of("../examples/rules", file));
        return compile(text);
    }

    static Topology compile(String text) {
        return Topology.compile(RulesReader.parse(text, "rules.yaml", k -> k.equals("FIRST_MONTH") ? "2026-10"
                : k.startsWith("REDIS") ? "redis://127.0.0.1:6379" : k.endsWith("URL") ? "jdbc:postgresql://127.0.0.1:5432/"
                + k.toLowerCase() : "x", CLOCK), CLOCK);
    }

    @Test
    void of_phase3ToPhase4_movesTheUpperHalfToShard1AndCopiesRegions() {
        ReshardPlan plan = ReshardPlan.of(example("phase3.yaml"), example("phase4.yaml"));
        assertThat(plan.moves()).containsExactly(new ReshardPlan.Move("shard0", "shard1",
                List.of(new BucketRange(512, 1023))));
        assertThat(plan.userTables()).extracting(Topology.Table::name)
                .containsExactly("users", "videos", "follows", "watch_events", "wallets", "wallet_ledger");
        assertThat(plan.broadcast()).extracting(Topology.Table::name).containsExactly("regions");
        assertThat(plan.newShards()).containsExactly("shard1");
        assertThat(plan.describe()).first().isEqualTo("shard0 -> shard1: 512-1023 (512 buckets)");
    }

    @Test
    void of_tableAndBucketCountChanged_refusedNamingEveryDifference() {
        String old = """
                name: t
                bucket-count: 64
                shards:
                  - { name: shard0, primary: { url: "jdbc:postgresql://h/a" } }
                tables:
                  users:  { strategy: user, key: user_id }
                  videos: { strategy: user, key: user_id }
                """;
        String changed = """
                name: t
                bucket-count: 128
                shards:
                  - { name: shard0, buckets: 0-63, primary: { url: "jdbc:postgresql://h/a" } }
                  - { name: shard1, buckets: 64-127, primary: { url: "jdbc:postgresql://h/b" } }
                tables:
                  users:  { strategy: user, key: owner_id }
                  events: { strategy: broadcast }
                """;
        assertThatThrownBy(() -> ReshardPlan.of(compile(old), compile(changed)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reshard: the new rules change more than which shard owns a bucket: bucket-count differs; was 64,"
                        + " now 128 (a user's bucket would change: only whole buckets can move, keep bucket-count);"
                        + " tables.users differs; was user key user_id, now user key owner_id; tables.videos is removed;"
                        + " tables.events is added (add tables with a migration, not with a resharding)");
    }

    @Test
    void of_sameBuckets_refusedAsNothingToMove() {
        assertThatThrownBy(() -> ReshardPlan.of(example("phase4.yaml"), example("phase4.yaml")))
                .hasMessage("reshard: no bucket changes shard between the two rules");
    }
}
