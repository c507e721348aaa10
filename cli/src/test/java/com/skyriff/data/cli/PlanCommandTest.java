package com.skyriff.data.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {
    @TempDir
    Path dir;
    final Cli cli = new Cli().env("PG_PASSWORD", "s3cret");

    static final String FOUR_SHARDS = Cli.RULES
            .replace("buckets: 0-511", "buckets: 0-255")
            .replace("buckets: 512-1023", "buckets: 512-767")
            .replace("tables:", """
                  - name: shard2
                    buckets: 256-511
                    primary: { url: "jdbc:postgresql://pg2:5432/skyriff", username: app, password: x }
                  - name: shard3
                    buckets: 768-1023
                    primary: { url: "jdbc:postgresql://pg3:5432/skyriff", username: app, password: x }
                tables:""");

    @Test
    void plan_twoToFourShards_movesHalfTheUsersByWholeBuckets() {
        Path before = Cli.write(dir, "old.yaml", Cli.RULES);
        Path after = Cli.write(dir, "new.yaml", FOUR_SHARDS);
        Cli.Result r = cli.run("plan", before.toString(), after.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains(
                "shards added            shard2, shard3",
                "users moving            50.00% of user ids",
                "buckets moving          256-511 shard0 -> shard2, 768-1023 shard1 -> shard3",
                "physical tables lost    0: -");
        assertThat(r.out()).containsPattern("physical tables gained  34: shard2.regions, shard2.users, shard2.videos, shard2.watch_event_202601, ");
        Cli.Result json = cli.run("plan", before.toString(), after.toString(), "--json");
        assertThat(json.out()).contains("\"movingUserFraction\": 0.5,", "\"movingUserFractionEstimated\": false");
    }

    @Test
    void plan_bucketCountChange_estimatesTheMovingFraction() {
        Path before = Cli.write(dir, "old.yaml", Cli.RULES);
        Path after = Cli.write(dir, "new.yaml", Cli.RULES.replace("bucket-count: 1024", "bucket-count: 2048")
                .replace("buckets: 512-1023", "buckets: 512-2047"));
        Cli.Result r = cli.run("plan", before.toString(), after.toString(), "--json");
        assertThat(r.out()).contains("\"movingUserFractionEstimated\": true");
        double fraction = Double.parseDouble(r.out().replaceAll("(?s).*\"movingUserFraction\": ([0-9.]+),.*", "$1"));
        // shard0 keeps buckets 0-511 of 2048 (a quarter of users), which hash to old buckets 0-511 half the time
        assertThat(fraction).isBetween(0.24, 0.26);
    }

    @Test
    void plan_tableChanges_areListed() {
        Path before = Cli.write(dir, "old.yaml", Cli.RULES);
        Path after = Cli.write(dir, "new.yaml", Cli.RULES
                .replace("  regions:     { strategy: broadcast }\n", "")
                .replace("users:       { strategy: user, key: user_id }",
                        "users:       { strategy: user, key: user_id }\n  follows:     { strategy: user, key: follower_id }")
                .replace("app_config:  { strategy: single }", "app_config:  { strategy: broadcast }"));
        Cli.Result r = cli.run("plan", before.toString(), after.toString());
        assertThat(r.out()).contains("tables added            follows (user)", "tables removed          regions (broadcast)",
                "tables changed          app_config: single -> broadcast", "users moving            0.00% of user ids");
    }
}
