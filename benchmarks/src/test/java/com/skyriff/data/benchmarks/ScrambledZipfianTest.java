package com.skyriff.data.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ScrambledZipfianTest {
    static final ScrambledZipfian.Zeta ZETA = ScrambledZipfian.Zeta.of(10_000, ScrambledZipfian.THETA);

    @Test
    void next_manyDraws_staysInRangeAndIsSkewed() {
        ScrambledZipfian z = new ScrambledZipfian(ZETA, 1);
        int[] counts = new int[ZETA.n()];
        int draws = 200_000;
        for (int i = 0; i < draws; i++) {
            counts[z.next()]++;
        }
        int[] sorted = counts.clone();
        Arrays.sort(sorted);
        int top100 = 0;
        for (int i = sorted.length - 100; i < sorted.length; i++) {
            top100 += sorted[i];
        }
        // Zipf(0.99) over 10,000 items: the hottest 1 % take close to half of all draws; uniform would give 1 %
        assertThat((double) top100 / draws).isBetween(0.35, 0.65);
        assertThat(sorted[sorted.length - 1]).isGreaterThan(draws / 20);
    }

    @Test
    void next_hottestItems_areScatteredNotAdjacent() {
        ScrambledZipfian z = new ScrambledZipfian(ZETA, 7);
        int[] counts = new int[ZETA.n()];
        for (int i = 0; i < 100_000; i++) {
            counts[z.next()]++;
        }
        int hottest = 0;
        for (int i = 1; i < counts.length; i++) {
            hottest = counts[i] > counts[hottest] ? i : hottest;
        }
        assertThat(hottest).isNotZero();
        assertThat(counts[0]).isLessThan(counts[hottest]);
    }

    @Test
    void next_sameSeed_sameSequence() {
        ScrambledZipfian a = new ScrambledZipfian(ZETA, 42);
        ScrambledZipfian b = new ScrambledZipfian(ZETA, 42);
        for (int i = 0; i < 1_000; i++) {
            assertThat(a.next()).isEqualTo(b.next());
        }
    }

    @Test
    void zeta_oneItem_throws() {
        assertThatThrownBy(() -> ScrambledZipfian.Zeta.of(1, 0.99)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ScrambledZipfian: n is too small; was 1, expected >= 2");
    }
}
