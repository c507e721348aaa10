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
    void applySchema_withoutRules_isRefused() {
        Run r = run("--apply-schema");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("--apply-schema applies only with --rules");
    }
}
