package com.skyriff.data.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Internal to SkyRiff Data (not API): may change in any release. Immutable once read, thread-safe.
 * <p>
 * The definitions of the tables of the connection's current schema, read from {@code pg_catalog} with a handful of
 * queries (not one per table).
 */
public final class Catalog {
    /** A column of a table. Internal to SkyRiff Data (not API); immutable, thread-safe. */
    public record Column(String name, int position, String type, boolean notNull, String defaultValue,
                         String identity, String generated, String collation) {
    }

    /**
     * An index of a table. Internal to SkyRiff Data (not API); immutable, thread-safe.
     *
     * @param constraint whether the index belongs to a PRIMARY KEY, UNIQUE or EXCLUDE constraint
     */
    public record Index(String name, String definition, boolean constraint) {
    }

    /**
     * A constraint of a table. Internal to SkyRiff Data (not API); immutable, thread-safe.
     *
     * @param type PostgreSQL's contype: c check, f foreign key, p primary key, u unique, x exclusion, t trigger
     */
    public record Constraint(String name, String type, String definition) {
    }

    /** A trigger of a table (not an internal one). Internal to SkyRiff Data (not API); immutable, thread-safe. */
    public record Trigger(String name, String definition) {
    }

    /** An extended statistics object. Internal to SkyRiff Data (not API); immutable, thread-safe. */
    public record Statistics(String name, String definition) {
    }

    /** A privilege granted to a role but the owner. Internal to SkyRiff Data (not API); immutable, thread-safe. */
    public record Grant(String grantee, String privilege, boolean grantable) {
    }

    /** One table's definition. Internal to SkyRiff Data (not API); immutable, thread-safe. */
    public record Table(String name, List<Column> columns, List<Index> indexes, List<Constraint> constraints,
                        List<Trigger> triggers, List<Statistics> statistics, List<Grant> grants) {
        public Table {
            columns = List.copyOf(columns);
            indexes = List.copyOf(indexes);
            constraints = List.copyOf(constraints);
            triggers = List.copyOf(triggers);
            statistics = List.copyOf(statistics);
            grants = List.copyOf(grants);
        }
    }

    private static final String TABLES = """
            SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname""";
    private static final String COLUMNS = """
            SELECT c.relname, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text,
                   CASE WHEN a.attcollation <> t.typcollation THEN co.collname END
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY c.relname, a.attnum""";
    private static final String INDEXES = """
            SELECT t.relname, i.relname, pg_catalog.pg_get_indexdef(i.oid),
                   EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.oid AND k.conrelid = t.oid
                           AND k.contype IN ('p', 'u', 'x'))
            FROM pg_catalog.pg_index x
            JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
            JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema() ORDER BY t.relname, i.relname""";
    private static final String CONSTRAINTS = """
            SELECT t.relname, k.conname, k.contype::text, pg_catalog.pg_get_constraintdef(k.oid)
            FROM pg_catalog.pg_constraint k
            JOIN pg_catalog.pg_class t ON t.oid = k.conrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema() AND k.contype::text IN ('c', 'f', 'p', 'u', 'x')
            ORDER BY t.relname, k.conname""";
    private static final String TRIGGERS = """
            SELECT t.relname, g.tgname, pg_catalog.pg_get_triggerdef(g.oid)
            FROM pg_catalog.pg_trigger g
            JOIN pg_catalog.pg_class t ON t.oid = g.tgrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema() AND NOT g.tgisinternal ORDER BY t.relname, g.tgname""";
    private static final String STATISTICS = """
            SELECT t.relname, s.stxname, pg_catalog.pg_get_statisticsobjdef(s.oid)
            FROM pg_catalog.pg_statistic_ext s
            JOIN pg_catalog.pg_class t ON t.oid = s.stxrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema() ORDER BY t.relname, s.stxname""";
    private static final String GRANTS = """
            SELECT c.relname,
                   CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END,
                   a.privilege_type, a.is_grantable
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) a
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.grantee <> c.relowner
            ORDER BY 1, 2, 3""";

    private final Map<String, Table> tables;

    private Catalog(Map<String, Table> tables) {
        this.tables = tables;
    }

    /** Names of the tables (plain and partitioned) of the connection's current schema, in name order. */
    public static List<String> tableNames(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(TABLES)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Reads the tables of the current schema that {@code wanted} accepts. */
    public static Catalog read(Connection c, Predicate<String> wanted) throws SQLException {
        Map<String, List<Column>> columns = new LinkedHashMap<>();
        Map<String, List<Index>> indexes = new LinkedHashMap<>();
        Map<String, List<Constraint>> constraints = new LinkedHashMap<>();
        Map<String, List<Trigger>> triggers = new LinkedHashMap<>();
        Map<String, List<Statistics>> statistics = new LinkedHashMap<>();
        Map<String, List<Grant>> grants = new LinkedHashMap<>();
        for (String t : tableNames(c)) {
            if (wanted.test(t)) {
                columns.put(t, new ArrayList<>());
            }
        }
        query(c, COLUMNS, columns, rs -> new Column(rs.getString(3), rs.getInt(2), rs.getString(4), rs.getBoolean(5),
                rs.getString(6), blankToNull(rs.getString(7)), blankToNull(rs.getString(8)), rs.getString(9)));
        query(c, INDEXES, filtered(indexes, columns), rs -> new Index(rs.getString(2), rs.getString(3), rs.getBoolean(4)));
        query(c, CONSTRAINTS, filtered(constraints, columns),
                rs -> new Constraint(rs.getString(2), rs.getString(3), rs.getString(4)));
        query(c, TRIGGERS, filtered(triggers, columns), rs -> new Trigger(rs.getString(2), rs.getString(3)));
        query(c, STATISTICS, filtered(statistics, columns), rs -> new Statistics(rs.getString(2), rs.getString(3)));
        query(c, GRANTS, filtered(grants, columns), rs -> new Grant(rs.getString(2), rs.getString(3), rs.getBoolean(4)));
        Map<String, Table> out = new LinkedHashMap<>();
        for (String t : columns.keySet()) {
            out.put(t, new Table(t, List.copyOf(columns.get(t)), List.copyOf(indexes.get(t)),
                    List.copyOf(constraints.get(t)), List.copyOf(triggers.get(t)), List.copyOf(statistics.get(t)),
                    List.copyOf(grants.get(t))));
        }
        return new Catalog(out);
    }

    /** The tables read, by name, in name order. */
    public Map<String, Table> tables() {
        return tables;
    }

    /** The table called {@code name}; null if it was not read (absent, or not wanted). */
    public Table table(String name) {
        return tables.get(name);
    }

    private static <T> Map<String, List<T>> filtered(Map<String, List<T>> target, Map<String, ?> keys) {
        for (String k : keys.keySet()) {
            target.put(k, new ArrayList<>());
        }
        return target;
    }

    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Runs a query whose first column is the table name, adding each row to that table's list if it is wanted. */
    private static <T> void query(Connection c, String sql, Map<String, List<T>> into, Row<T> row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<T> list = into.get(rs.getString(1));
                if (list != null) {
                    list.add(row.map(rs));
                }
            }
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
