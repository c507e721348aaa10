package com.skyriff.data.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MonthTableDdlTest {
    static Catalog.Table template(List<Catalog.Index> indexes, List<Catalog.Constraint> constraints,
                                  List<Catalog.Trigger> triggers, List<Catalog.Statistics> statistics,
                                  List<Catalog.Grant> grants) {
        return new Catalog.Table("watch_event",
                List.of(new Catalog.Column("event_id", 1, "bigint", true, null, null, null, null)),
                indexes, constraints, triggers, statistics, grants);
    }

    @Test
    void create_fullTemplate_namesEveryObjectAsAMigrationWould() {
        Catalog.Table t = template(
                List.of(new Catalog.Index("watch_event_pkey",
                                "CREATE UNIQUE INDEX watch_event_pkey ON public.watch_event USING btree (event_id)", true),
                        new Catalog.Index("watch_event_user_idx",
                                "CREATE INDEX watch_event_user_idx ON public.watch_event USING btree (user_id)", false)),
                List.of(new Catalog.Constraint("watch_event_user_id_fkey", "f",
                                "FOREIGN KEY (user_id) REFERENCES users(user_id)"),
                        new Catalog.Constraint("watch_event_pkey", "p", "PRIMARY KEY (event_id)"),
                        new Catalog.Constraint("watch_event_video_positive", "c", "CHECK ((video_id > 0))")),
                List.of(new Catalog.Trigger("watch_event_touch", "CREATE TRIGGER watch_event_touch BEFORE UPDATE ON "
                        + "public.watch_event FOR EACH ROW EXECUTE FUNCTION touch()")),
                List.of(new Catalog.Statistics("watch_event_user_video", "CREATE STATISTICS public.watch_event_user_video "
                        + "(ndistinct) ON user_id, video_id FROM watch_event")),
                List.of(new Catalog.Grant("reader", "SELECT", false), new Catalog.Grant("\"Ops\"", "UPDATE", true)));

        assertThat(MonthTableDdl.create(t, "watch_event_202612")).containsExactly(
                "CREATE TABLE watch_event_202612 (LIKE watch_event INCLUDING ALL EXCLUDING INDEXES EXCLUDING CONSTRAINTS "
                        + "EXCLUDING STATISTICS)",
                "ALTER TABLE watch_event_202612 ADD CONSTRAINT watch_event_202612_video_positive CHECK ((video_id > 0))",
                "ALTER TABLE watch_event_202612 ADD CONSTRAINT watch_event_202612_pkey PRIMARY KEY (event_id)",
                "ALTER TABLE watch_event_202612 ADD CONSTRAINT watch_event_202612_user_id_fkey FOREIGN KEY (user_id) "
                        + "REFERENCES users(user_id)",
                "CREATE INDEX watch_event_202612_user_idx ON public.watch_event_202612 USING btree (user_id)",
                "CREATE STATISTICS public.watch_event_202612_user_video (ndistinct) ON user_id, video_id FROM "
                        + "watch_event_202612",
                "CREATE TRIGGER watch_event_touch BEFORE UPDATE ON public.watch_event_202612 FOR EACH ROW EXECUTE "
                        + "FUNCTION touch()",
                "GRANT SELECT ON TABLE watch_event_202612 TO reader",
                "GRANT UPDATE ON TABLE watch_event_202612 TO \"Ops\" WITH GRANT OPTION");
    }

    @Test
    void create_constraintNameNeedingQuotes_isQuotedAndRenamed() {
        Catalog.Table t = template(List.of(),
                List.of(new Catalog.Constraint("Video Positive", "c", "CHECK ((video_id > 0))")),
                List.of(), List.of(), List.of());

        assertThat(MonthTableDdl.create(t, "watch_event_202612")).element(1)
                .isEqualTo("ALTER TABLE watch_event_202612 ADD CONSTRAINT \"watch_event_202612_Video Positive\" "
                        + "CHECK ((video_id > 0))");
    }

    @Test
    void table_listsGiven_areCopiedSoTheTableCannotChange() {
        List<Catalog.Index> indexes = new java.util.ArrayList<>();
        Catalog.Table t = template(indexes, List.of(), List.of(), List.of(), List.of());
        indexes.add(new Catalog.Index("watch_event_x_idx", "CREATE INDEX watch_event_x_idx ON watch_event (x)", false));

        assertThat(t.indexes()).isEmpty();
        assertThatThrownBy(() -> t.constraints().add(null)).isInstanceOf(UnsupportedOperationException.class);
    }
}
