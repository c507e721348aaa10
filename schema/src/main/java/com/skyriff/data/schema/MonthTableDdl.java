package com.skyriff.data.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Internal to SkyRiff Data (not API): may change in any release. Stateless, thread-safe.
 * <p>
 * The statements that create one month table so that it is indistinguishable from a month table created by the
 * original migrations: columns, defaults, identity, generated columns, storage, comments and CHECK-free structure
 * come from {@code LIKE template INCLUDING ALL}; then every constraint (CHECK, PRIMARY KEY, UNIQUE, EXCLUDE, FOREIGN
 * KEY), index, extended statistics object, trigger and grant of the template is added under the name a migration
 * would have given it on that month table ({@code PhysicalNames.physical}). PostgreSQL's own {@code LIKE} copies would
 * be named after the columns ({@code watch_event_202612_user_id_created_at_idx}) and FOREIGN KEYs, triggers and grants
 * would be missing. Used by migrations ({@code skyriff months --ahead}) and by data-core ({@code create-missing-months}),
 * so a month table is the same whoever creates it.
 */
public final class MonthTableDdl {
    private static final List<String> CONSTRAINT_ORDER = List.of("c", "p", "u", "x", "f");

    private MonthTableDdl() {
    }

    /**
     * The statements, in order, that create month table {@code physical} of {@code template} (the logical table as
     * read by {@link Catalog#read}); run them in one transaction.
     */
    public static List<String> create(Catalog.Table template, String physical) {
        String logical = template.name();
        StatementExpander expander = new StatementExpander(Set.of(logical));
        List<String> out = new ArrayList<>();
        out.add("CREATE TABLE " + physical + " (LIKE " + logical
                + " INCLUDING ALL EXCLUDING INDEXES EXCLUDING CONSTRAINTS EXCLUDING STATISTICS)");
        for (String type : CONSTRAINT_ORDER) {
            for (Catalog.Constraint k : template.constraints()) {
                if (k.type().equals(type)) {
                    String sql = "ALTER TABLE " + logical + " ADD CONSTRAINT " + quote(k.name()) + " " + k.definition();
                    out.add(expander.analyze(sql, false).render(physical));
                }
            }
        }
        for (Catalog.Index i : template.indexes()) {
            if (!i.constraint()) {
                out.add(expander.analyze(i.definition(), false).render(physical));
            }
        }
        for (Catalog.Statistics s : template.statistics()) {
            out.add(expander.analyze(s.definition(), false).render(physical));
        }
        for (Catalog.Trigger t : template.triggers()) {
            out.add(expander.analyze(t.definition(), false).render(physical));
        }
        for (Catalog.Grant g : template.grants()) {
            out.add("GRANT " + g.privilege() + " ON TABLE " + physical + " TO " + g.grantee()
                    + (g.grantable() ? " WITH GRANT OPTION" : ""));
        }
        return out;
    }

    /** An identifier as PostgreSQL needs it written: plain when it is a lower-case name, quoted otherwise. */
    static String quote(String identifier) {
        if (identifier.matches("[a-z_][a-z0-9_$]*")) {
            return identifier;
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
