package com.skyriff.data.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LsnTest {

    @Test
    void parse_highAndLowHalves_combine() {
        assertThat(Lsn.parse("16/B374D848")).isEqualTo(0x16_B374_D848L);
        assertThat(Lsn.parse("0/0")).isZero();
        assertThat(Lsn.parse(null)).isZero();
    }

    @Test
    void endOfRecords_insertPositionAfterPageHeader_stepsBackToTheBoundary() {
        assertThat(Lsn.endOfRecords(0x3000000L + 8192 + 24)).isEqualTo(0x3000000L + 8192);
        assertThat(Lsn.endOfRecords(0x3000000L + 40)).isEqualTo(0x3000000L); // first page of a segment: long header
        assertThat(Lsn.endOfRecords(0x3000000L + 8192 + 100)).isEqualTo(0x3000000L + 8192 + 100);
    }
}
