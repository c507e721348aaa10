package com.skyriff.data.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DriftTest {

    @Test
    void normalized_indexDefinitionsOfTemplateAndMonth_compareEqual() {
        assertThat(Drift.normalized("CREATE UNIQUE INDEX watch_event_202611_pkey ON public.watch_event_202611 USING btree (id)", "watch_event_202611"))
                .isEqualTo(Drift.normalized("CREATE UNIQUE INDEX watch_event_pkey ON public.watch_event USING btree (id)", "watch_event"))
                .isEqualTo("CREATE UNIQUE INDEX <table>_pkey ON public.<table> USING btree (id)");
    }
}
