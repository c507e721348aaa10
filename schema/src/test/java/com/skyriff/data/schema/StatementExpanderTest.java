package com.skyriff.data.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class StatementExpanderTest {
    final StatementExpander expander = new StatementExpander(Set.of("watch_event", "play"));

    String expand(String sql, String physical) {
        return expander.analyze(sql, true).render(physical);
    }

    @Test
    void render_createIndex_renamesIndexAndTable() {
        assertThat(expand("CREATE INDEX watch_event_user_idx ON watch_event (user_id, created_at)", "watch_event_202611"))
                .isEqualTo("CREATE INDEX watch_event_202611_user_idx ON watch_event_202611 (user_id, created_at)");
    }

    @Test
    void render_template_isTheStatementUnchanged() {
        String sql = "CREATE INDEX watch_event_user_idx ON watch_event (user_id)";
        assertThat(expand(sql, "watch_event")).isSameAs(sql);
    }

    @Test
    void render_identifiersInLiteralsAndComments_areLeftAlone() {
        assertThat(expand("UPDATE watch_event SET note = 'watch_event' /* watch_event */ WHERE watch_event.kind = $$watch_event$$",
                "watch_event_202611")).isEqualTo(
                "UPDATE watch_event_202611 SET note = 'watch_event' /* watch_event */ WHERE watch_event_202611.kind = $$watch_event$$");
    }

    @Test
    void render_wordBoundaries_onlyWholeIdentifiersMatch() {
        assertThat(expand("ALTER TABLE watch_event ADD COLUMN watch_events int, ADD COLUMN my_watch_event int", "watch_event_202611"))
                .isEqualTo("ALTER TABLE watch_event_202611 ADD COLUMN watch_events int, ADD COLUMN my_watch_event int");
    }

    @Test
    void render_quotedAndQualifiedNames_keepTheirForm() {
        assertThat(expand("ALTER TABLE public.\"watch_event\" ADD CONSTRAINT \"watch_event_kind_check\" CHECK (kind > 0)",
                "watch_event_202611")).isEqualTo(
                "ALTER TABLE public.\"watch_event_202611\" ADD CONSTRAINT \"watch_event_202611_kind_check\" CHECK (kind > 0)");
    }

    @Test
    void render_createTableWithNamedConstraints_renamesEach() {
        assertThat(expand("""
                CREATE TABLE IF NOT EXISTS watch_event (id bigint CONSTRAINT watch_event_id_nn NOT NULL,
                  CONSTRAINT watch_event_pk PRIMARY KEY (id), FOREIGN KEY (id) REFERENCES watch_event (id))""",
                "watch_event_202612")).isEqualTo("""
                CREATE TABLE IF NOT EXISTS watch_event_202612 (id bigint CONSTRAINT watch_event_202612_id_nn NOT NULL,
                  CONSTRAINT watch_event_202612_pk PRIMARY KEY (id), FOREIGN KEY (id) REFERENCES watch_event_202612 (id))""");
    }

    @Test
    void analyze_createTable_isRecognised() {
        assertThat(expander.analyze("CREATE UNLOGGED TABLE IF NOT EXISTS public.watch_event (id int)", true).createsTable()).isTrue();
        assertThat(expander.analyze("CREATE INDEX watch_event_x ON watch_event (id)", true).createsTable()).isFalse();
        assertThat(expander.analyze("DROP TABLE watch_event", true).dropsTable()).isTrue();
    }

    @Test
    void render_dropIndexWithoutTable_findsOwnerByPrefix() {
        StatementExpander.Expansion e = expander.analyze("DROP INDEX CONCURRENTLY IF EXISTS public.watch_event_user_idx, watch_event_kind_idx", true);
        assertThat(e.table()).isEqualTo("watch_event");
        assertThat(e.transactional()).isFalse();
        assertThat(e.render("watch_event_202611"))
                .isEqualTo("DROP INDEX CONCURRENTLY IF EXISTS public.watch_event_202611_user_idx, watch_event_202611_kind_idx");
    }

    @Test
    void render_renames_renameBothNames() {
        assertThat(expand("ALTER INDEX watch_event_a_idx RENAME TO watch_event_b_idx", "watch_event_202611"))
                .isEqualTo("ALTER INDEX watch_event_202611_a_idx RENAME TO watch_event_202611_b_idx");
        assertThat(expand("ALTER TABLE watch_event RENAME CONSTRAINT watch_event_a TO watch_event_b", "watch_event_202611"))
                .isEqualTo("ALTER TABLE watch_event_202611 RENAME CONSTRAINT watch_event_202611_a TO watch_event_202611_b");
        assertThat(expand("ALTER TABLE watch_event RENAME COLUMN kind TO sort", "watch_event_202611"))
                .isEqualTo("ALTER TABLE watch_event_202611 RENAME COLUMN kind TO sort");
    }

    @Test
    void render_usingIndexAndClusterAndStatistics_renameTheirNames() {
        assertThat(expand("ALTER TABLE watch_event ADD CONSTRAINT watch_event_u UNIQUE USING INDEX watch_event_u_idx", "p"))
                .isEqualTo("ALTER TABLE p ADD CONSTRAINT p_u UNIQUE USING INDEX p_u_idx");
        assertThat(expand("ALTER TABLE watch_event CLUSTER ON watch_event_user_idx", "p"))
                .isEqualTo("ALTER TABLE p CLUSTER ON p_user_idx");
        assertThat(expand("CREATE STATISTICS IF NOT EXISTS watch_event_st (ndistinct) ON a, b FROM watch_event", "p"))
                .isEqualTo("CREATE STATISTICS IF NOT EXISTS p_st (ndistinct) ON a, b FROM p");
        assertThat(expand("ALTER TABLE watch_event ADD PRIMARY KEY (id) USING INDEX TABLESPACE fast", "p"))
                .isEqualTo("ALTER TABLE p ADD PRIMARY KEY (id) USING INDEX TABLESPACE fast");
    }

    @Test
    void analyze_statementWithoutMonthlyTable_isUnchanged() {
        StatementExpander.Expansion e = expander.analyze("CREATE TABLE users (user_id bigint PRIMARY KEY)", true);
        assertThat(e.table()).isNull();
        assertThat(e.render("users_202611")).isEqualTo("CREATE TABLE users (user_id bigint PRIMARY KEY)");
    }

    @Test
    void analyze_twoMonthlyTables_throws() {
        assertThatThrownBy(() -> expander.analyze("INSERT INTO play SELECT * FROM watch_event", true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("names monthly tables [play, watch_event]; a statement may name at most one monthly table "
                        + "so that it can be applied month by month");
    }

    @Test
    void analyze_indexNameWithoutTablePrefix_throws() {
        assertThatThrownBy(() -> expander.analyze("CREATE INDEX idx_user ON watch_event (user_id)", true))
                .hasMessage("names index/constraint 'idx_user' of monthly table watch_event; the name must start with "
                        + "'watch_event_' so that each month table's copy can be named and found (e.g. watch_event_idx_user)");
    }

    @Test
    void analyze_insertIntoMonthlyTable_throws() {
        assertThatThrownBy(() -> expander.analyze("INSERT INTO watch_event (id) VALUES (1)", true))
                .hasMessageStartingWith("inserts into monthly table watch_event;");
    }

    @Test
    void analyze_viewOrOtherTableFromMonthlyTable_throws() {
        assertThatThrownBy(() -> expander.analyze("CREATE OR REPLACE VIEW recent AS SELECT * FROM watch_event", true))
                .hasMessage("creates a view that names monthly table watch_event; expanded per month table it would be "
                        + "created once per month (each copy colliding with or replacing the last); query the months "
                        + "through the layer instead");
        assertThatThrownBy(() -> expander.analyze("CREATE MATERIALIZED VIEW m AS SELECT count(*) FROM watch_event", true))
                .hasMessageStartingWith("creates a materialized view that names monthly table watch_event;");
        assertThatThrownBy(() -> expander.analyze("CREATE TABLE copy AS SELECT * FROM watch_event", true))
                .hasMessageStartingWith("creates another table from monthly table watch_event");
        assertThat(expander.analyze("CREATE TRIGGER t BEFORE UPDATE ON watch_event FOR EACH ROW EXECUTE FUNCTION f()", true)
                .render("p")).isEqualTo("CREATE TRIGGER t BEFORE UPDATE ON p FOR EACH ROW EXECUTE FUNCTION f()");
        assertThat(expander.analyze("CREATE UNIQUE INDEX IF NOT EXISTS watch_event_u ON ONLY watch_event (id)", true)
                .render("p")).isEqualTo("CREATE UNIQUE INDEX IF NOT EXISTS p_u ON ONLY p (id)");
    }

    @Test
    void analyze_renameMonthlyTable_throws() {
        assertThatThrownBy(() -> expander.analyze("ALTER TABLE watch_event RENAME TO views", true))
                .hasMessageStartingWith("renames monthly table watch_event;");
    }

    @Test
    void render_nameLongerThanPostgresAllows_throws() {
        String longName = "watch_event_" + "x".repeat(50);
        StatementExpander.Expansion e = expander.analyze("CREATE INDEX " + longName + " ON watch_event (a)", true);
        assertThatThrownBy(() -> e.render("watch_event_202611"))
                .hasMessageContaining("longer than PostgreSQL's 63 characters");
    }

    @Test
    void physicalNames_localAndMonth_roundTrip() {
        assertThat(PhysicalNames.physical("watch_event_pkey", "watch_event", "watch_event_202611")).isEqualTo("watch_event_202611_pkey");
        assertThat(PhysicalNames.physical("other", "watch_event", "watch_event_202611")).isEqualTo("watch_event_202611_other");
        assertThat(PhysicalNames.local("watch_event_202611_pkey", "watch_event_202611")).isEqualTo("pkey");
        assertThat(PhysicalNames.monthOf("watch_event_202611", "watch_event")).contains(java.time.YearMonth.of(2026, 11));
        assertThat(PhysicalNames.monthOf("watch_event_202613", "watch_event")).isEmpty();
        assertThat(PhysicalNames.monthOf("watch_event_x_202611", "watch_event")).isEmpty();
    }
}
