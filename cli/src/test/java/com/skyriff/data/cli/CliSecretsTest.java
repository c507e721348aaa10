package com.skyriff.data.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No offline command prints a password from the rules, in text or JSON, on success or on failure. */
class CliSecretsTest {
    static final String SECRET = "pw-Zq81-never-printed";

    @Test
    void everyOfflineCommand_rulesWithPassword_neverPrintsIt(@TempDir Path dir) {
        Cli cli = new Cli().env("PG_PASSWORD", SECRET);
        Path rules = Cli.write(dir, "rules.yaml", Cli.RULES);
        Path other = Cli.write(dir, "rules-4.yaml", Cli.RULES.replace("bucket-count: 1024", "bucket-count: 2048"));
        Path broken = Cli.write(dir, "broken.yaml", Cli.RULES.replace("strategy: broadcast", "strategy: bcast"));
        List<Cli.Result> results = new ArrayList<>();
        for (String json : new String[] {"", "--json"}) {
            results.add(cli.run(args("validate", rules.toString(), json)));
            results.add(cli.run(args("validate", broken.toString(), json)));
            results.add(cli.run(args("route", rules.toString(), "--table", "users", "--key", "42", json)));
            results.add(cli.run(args("route", rules.toString(), "--sql", "SELECT * FROM users WHERE user_id = 42", json)));
            results.add(cli.run(args("ddl", rules.toString(), json)));
            results.add(cli.run(args("plan", rules.toString(), other.toString(), json)));
        }
        assertThat(results).hasSize(12);
        for (Cli.Result r : results) {
            assertThat(r.out() + r.err()).as(r.toString().replace(SECRET, "<leaked>")).doesNotContain(SECRET);
        }
        assertThat(results.get(0).code()).as("validate of the good file").isZero();
        assertThat(results.get(1).code()).as("validate of the broken file").isEqualTo(2);
    }

    @Test
    void everyCommand_urlsCarryingPasswords_printThemMasked(@TempDir Path dir) {
        Cli cli = new Cli().env("PG_PASSWORD", SECRET);
        Path malformed = Cli.write(dir, "malformed.yaml", Cli.RULES.replace("\"jdbc:postgresql://pg0:5432/skyriff\"",
                "\"jdbc:postgresq://pg0:5432/skyriff?user=app&password=" + SECRET + "\""));
        Path userInfo = Cli.write(dir, "userinfo.yaml", Cli.RULES.replace("\"jdbc:postgresql://pg1:5432/skyriff\"",
                "\"postgres://app:" + SECRET + "@pg1:5432/skyriff\""));
        // valid rules whose URLs carry password= (the driver reads it): offline output and a failed --connect probe
        Path inUrl = Cli.write(dir, "in-url.yaml", Cli.RULES
                .replace("jdbc:postgresql://pg0:5432/skyriff", "jdbc:postgresql://127.0.0.1:1/skyriff?password=" + SECRET)
                .replace("jdbc:postgresql://pg0-r1:5432/skyriff", "jdbc:postgresql://127.0.0.1:1/r?PASSWORD=" + SECRET));
        List<Cli.Result> results = new ArrayList<>();
        for (String json : new String[] {"", "--json"}) {
            results.add(cli.run(args("validate", malformed.toString(), json)));
            results.add(cli.run(args("validate", userInfo.toString(), json)));
            results.add(cli.run(args("validate", inUrl.toString(), json)));
            results.add(cli.run(args("validate", inUrl.toString(), "--connect", json)));
            results.add(cli.run(args("route", inUrl.toString(), "--table", "users", "--key", "42", json)));
            results.add(cli.run(args("ddl", inUrl.toString(), json)));
            results.add(cli.run(args("drift", inUrl.toString(), json)));
        }
        for (Cli.Result r : results) {
            assertThat(r.out() + r.err()).as(r.toString().replace(SECRET, "<leaked>")).doesNotContain(SECRET);
        }
        assertThat(results.get(0).out() + results.get(0).err()).contains("shards[0].primary.url is not a PostgreSQL JDBC URL; was "
                + "'jdbc:postgresq://pg0:5432/skyriff?user=app&password=<masked>'");
        assertThat(results.get(1).out() + results.get(1).err()).contains("'postgres://app:<masked>@pg1:5432/skyriff'");
        assertThat(results.get(7).out() + results.get(10).out()).as("--json").contains("password=<masked>");
    }

    private static String[] args(String... parts) {
        return java.util.Arrays.stream(parts).filter(p -> !p.isEmpty()).toArray(String[]::new);
    }
}
