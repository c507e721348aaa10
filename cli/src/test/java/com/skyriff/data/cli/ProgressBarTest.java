package com.skyriff.data.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Progress as people expect it: a bar per node on a terminal, a few plain lines per node in a log. */
class ProgressBarTest {
    static String run(ProgressBar.Mode mode) {
        StringWriter sw = new StringWriter();
        ProgressBar p = new ProgressBar(new PrintWriter(sw), "migrate", mode);
        for (String node : new String[] {"shard0 primary", "shard1 primary"}) {
            for (int i = 1; i <= 36; i++) {
                p.update(node, "V1 create: watch_event_2026" + String.format("%02d", 1 + i % 12), i, 36);
            }
        }
        return sw.toString();
    }

    @Test
    void update_terminal_oneBarPerNodeRedrawnInPlace() {
        String out = run(ProgressBar.Mode.BAR);
        assertThat(out.split("\n", -1)).as(out).hasSize(3);   // two finished lines and the empty rest
        assertThat(out).contains("\r[migrate] shard0 primary [########################] 36/36 V1 create: watch_event_202601",
                "\r[migrate] shard1 primary [############------------] 18/36 ");
        assertThat(out.chars().filter(c -> c == '\r').count()).isEqualTo(72);
    }

    @Test
    void update_log_aLinePerQuarterNoCarriageReturns() {
        String out = run(ProgressBar.Mode.LINES);
        assertThat(out).doesNotContain("\r");
        assertThat(out.lines().toList()).containsExactly(
                "[migrate] shard0 primary: 9/36 (25%) V1 create: watch_event_202610",
                "[migrate] shard0 primary: 18/36 (50%) V1 create: watch_event_202607",
                "[migrate] shard0 primary: 27/36 (75%) V1 create: watch_event_202604",
                "[migrate] shard0 primary: 36/36 (100%) done",
                "[migrate] shard1 primary: 9/36 (25%) V1 create: watch_event_202610",
                "[migrate] shard1 primary: 18/36 (50%) V1 create: watch_event_202607",
                "[migrate] shard1 primary: 27/36 (75%) V1 create: watch_event_202604",
                "[migrate] shard1 primary: 36/36 (100%) done");
        assertThat(run(ProgressBar.Mode.OFF)).isEmpty();
    }

    @Test
    void modeOf_settingOrTerminal_choosesAndRefusesUnknown() {
        assertThat(ProgressBar.Mode.of(null, true)).isEqualTo(ProgressBar.Mode.BAR);
        assertThat(ProgressBar.Mode.of("auto", false)).isEqualTo(ProgressBar.Mode.LINES);
        assertThat(ProgressBar.Mode.of("OFF", true)).isEqualTo(ProgressBar.Mode.OFF);
        assertThatThrownBy(() -> ProgressBar.Mode.of("fancy", true)).hasMessage(
                "SKYRIFF_PROGRESS must be one of [auto, bar, lines, off]; was 'fancy'");
    }
}
