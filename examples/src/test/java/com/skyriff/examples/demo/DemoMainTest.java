package com.skyriff.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo's command line before anything starts: help, bad flags. */
class DemoMainTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter err = new StringWriter();
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = DemoMain.run(new PrintWriter(err, true), args);
        } finally {
            System.setOut(saved);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    @Test
    void help_listsTheDemosRealFlags() {
        Run r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--phase=N", "--rules=RULES.yaml", "--apply-schema", "--seed", "--users=N",
                "--videos-per-user=N", "--events=N", "--threads=N", "--duration=SECONDS", "--random-seed=N",
                "--report-dir=DIR", "Roadmap phase 1-4", "--rules runs against your own", "Exit codes:");
    }

    @Test
    void phase_outOfRange_isAClearMessageWithTheAllowedValues() {
        Run r = run("--phase", "5");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("--phase must be one of [1, 2, 3, 4]; was 5 (1: one PostgreSQL + Redis; 2: a primary "
                + "with one replica + Redis; 3: ").doesNotContain("Exception", "\tat ");
    }

    @Test
    void rules_withoutTheReferenceTables_isRefusedNamingThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("mine.yaml"), """
                name: mine
                shards:
                  - name: shard0
                    primary: { url: "jdbc:postgresql://127.0.0.1:1/mine", username: app }
                tables:
                  users: { strategy: user, key: user_id }
                """);
        Run r = run("--rules", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("skyriff demo: --rules " + file + ": tables [videos, follows, watch_events, wallets, "
                + "wallet_ledger, regions] of the reference service are not in the rules; was [users], expected all of "
                + "[users, videos, follows, watch_events, wallets, wallet_ledger, regions] (start from "
                + "examples/rules/phase4.yaml)" + System.lineSeparator());
    }

    @Test
    void applySchema_withoutRules_isRefused() {
        Run r = run("--apply-schema");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("--apply-schema applies only with --rules");
    }
}
