package com.skyriff.data.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DBA's walk through a resharding on the command line: start, status, verify, cutover, cleanup (1 to 2 shards). */
@Tag("slow")
class ReshardCommandIT {
    @TempDir
    Path dir;

    static String rules(TestDatabase db, boolean two) {
        PgShard s0 = db.shards().get(0);
        PgShard s1 = db.shards().get(1);
        return """
                name: cli_reshard
                bucket-count: 16
                shards:
                  - name: shard0
                    buckets: %s
                    primary: { url: "%s", username: "${PG_USER}", password: "${PG_PASSWORD}" }
                %stables:
                  users:       { strategy: user, key: user_id }
                  watch_event: { strategy: user+month, key: user_id, time: created_at, first-month: 2026-10, months-ahead: 1 }
                  regions:     { strategy: broadcast }
                """.formatted(two ? "0-7" : "0-15", s0.primary().jdbcUrl(), two ? """
                  - name: shard1
                    buckets: 8-15
                    primary: { url: "%s", username: "${PG_USER}", password: "${PG_PASSWORD}" }
                """.formatted(s1.primary().jdbcUrl()) : "");
    }

    @Test
    void reshard_startStatusVerifyCutoverCleanup_movesTheRowsAndPublishesTheNewRules() throws Exception {
        TestDatabase db = LocalTopology.shared().createDatabase("cli_reshard");
        PgNode p = db.shards().get(0).primary();
        Cli cli = new Cli().env("PG_USER", p.user()).env("PG_PASSWORD", p.password());
        Path old = Cli.write(dir, "phase3.yaml", rules(db, false));
        Path next = Cli.write(dir, "phase4.yaml", rules(db, true));
        Path live = Cli.write(dir, "live.yaml", Files.readString(old));
        Path migrations = Files.createDirectories(dir.resolve("db"));
        Cli.write(migrations, "V1__create.sql", CliIT.V1);
        assertThat(cli.run("migrate", old.toString(), "--migrations", migrations.toString()).code()).isZero();
        CliIT.execute(p, "INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 500) g");
        CliIT.execute(p, "INSERT INTO watch_event_202611 SELECT g, g, g, '2026-11-10T00:00:00Z' FROM generate_series(1, 500) g");
        CliIT.execute(p, "INSERT INTO regions VALUES ('eu', 'Europe')");

        Cli.Result start = cli.run("reshard", "start", "--from", old.toString(), "--to", next.toString(), "--migrations",
                migrations.toString(), "--wait");
        assertThat(start.code()).as(start.toString()).isZero();
        Matcher m = Pattern.compile("reshard (r[0-9a-f]{8}): COPYING").matcher(start.out());
        assertThat(m.find()).as(start.out()).isTrue();
        String id = m.group(1);
        assertThat(start.out()).contains("shard0 -> shard1: 8-15 (8 buckets)");

        Cli.Result status = cli.run("reshard", "status", id, "--from", old.toString(), "--json");
        assertThat(status.code()).as(status.toString()).isZero();
        assertThat(status.out()).contains("\"ready\": true", "\"physicalTable\": \"watch_event_202611\"")
                .doesNotContain(p.password());
        System.out.println(cli.run("reshard", "status", id, "--from", old.toString()).out());

        Cli.Result verify = cli.run("reshard", "verify", id, "--from", old.toString());
        assertThat(verify.code()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains("verify: source and target hold the same rows");

        Cli.Result noLive = cli.run("reshard", "cutover", id, "--from", old.toString());
        assertThat(noLive.code()).isEqualTo(2);
        assertThat(noLive.err()).contains("--live-rules FILE is required");
        Cli.Result cut = cli.run("reshard", "cutover", id, "--from", old.toString(), "--live-rules", live.toString());
        assertThat(cut.code()).as(cut.toString()).isZero();
        System.out.println(cut.out());
        assertThat(Files.readString(live)).isEqualTo(Files.readString(next));

        Cli.Result early = cli.run("reshard", "cleanup", id, "--from", old.toString());
        assertThat(early.code()).isEqualTo(1);
        assertThat(early.err()).contains("cleanup waits for the grace period after cutover");
        Cli.Result clean = cli.run("reshard", "cleanup", id, "--from", old.toString(), "--grace-seconds", "0");
        assertThat(clean.code()).as(clean.toString()).isZero();
        PgNode p1 = db.shards().get(1).primary();
        long moved = CliIT.count(p1, "SELECT count(*) FROM users");
        assertThat(moved).isPositive();
        assertThat(CliIT.count(p, "SELECT count(*) FROM users") + moved).isEqualTo(500);
        assertThat(CliIT.count(p1, "SELECT count(*) FROM regions")).isEqualTo(1);
        assertThat(CliIT.count(p, "SELECT count(*) FROM pg_publication")).isZero();
        assertThat(CliIT.count(p1, "SELECT count(*) FROM pg_subscription")).isZero();
    }
}
