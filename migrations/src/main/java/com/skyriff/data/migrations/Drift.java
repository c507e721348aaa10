package com.skyriff.data.migrations;

import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.rules.Topology;
import com.skyriff.data.schema.Catalog;
import com.skyriff.data.schema.PhysicalNames;
import com.skyriff.data.schema.SqlLexer;
import com.skyriff.data.schema.StatementExpander;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares, for each logical table, the columns (type, nullability, default, identity, generated expression,
 * collation, order), indexes, constraints and triggers of all its physical tables on all shards, primaries and
 * replicas, against one reference: the logical (template) table on the first shard's primary. Object names are
 * compared without their table's name ({@code watch_event_202611_pkey} and {@code watch_event_pkey} are both
 * {@code pkey}); table names inside definitions likewise. Month tables of the rules' window that do not exist are
 * differences too. Thread-safe.
 */
public final class Drift {
    static final String APPLICATION = "skyriff-drift";

    /** The rules compiled as of the clock: nodes, each table's shards and its window's month tables. */
    private final Topology topology;
    private final Progress progress;

    private Drift(Topology topology, Progress progress) {
        this.topology = topology;
        this.progress = progress;
    }

    /** Drift of the nodes of {@code rules} against the month windows as of {@code clock}. */
    public static Drift of(Rules rules, Clock clock, Progress progress) {
        return new Drift(Topology.compile(Objects.requireNonNull(rules, "rules"), Objects.requireNonNull(clock, "clock")),
                Objects.requireNonNull(progress, "progress"));
    }

    /**
     * One difference from the reference.
     *
     * @param node     e.g. {@code shard1 replica 0}
     * @param table    the physical table, e.g. {@code watch_event_202612}
     * @param kind     {@code table}, {@code column}, {@code index}, {@code constraint} or {@code trigger}
     * @param name     the object's name on this table ({@code kind} table: the table)
     * @param problem  e.g. {@code is missing}, {@code type differs}
     * @param expected what the reference has (null when the object is extra)
     * @param actual   what this table has (null when the object is missing)
     */
    public record Difference(String node, String table, String logicalTable, String kind, String name, String problem,
                             String expected, String actual) {
        /** {@code shard1 primary watch_event_202612: column kind type differs; was 'integer', expected 'smallint'}. */
        public String describe() {
            StringBuilder sb = new StringBuilder(node).append(' ').append(table).append(": ");
            sb.append(kind.equals("table") ? "table" : kind + " " + name).append(' ').append(problem);
            if (actual != null) {
                sb.append("; was '").append(actual).append('\'');
            }
            if (expected != null) {
                sb.append(actual != null ? ", expected '" : "; expected '").append(expected).append('\'');
            }
            return sb.toString();
        }
    }

    /**
     * @param reference   the node and table every other physical table was compared with, per logical table
     * @param compared    physical tables compared (all nodes)
     * @param unreachable nodes that could not be read, with the reason
     * @param warnings    schema risks that are not drift ({@link #uniquenessWarnings}): they do not make the report
     *                    unclean
     */
    public record Report(List<Difference> differences, Map<String, String> reference, int compared,
                         List<String> unreachable, List<String> warnings) {
        public Report {
            differences = List.copyOf(differences);
            reference = Map.copyOf(reference);
            unreachable = List.copyOf(unreachable);
            warnings = List.copyOf(warnings);
        }

        public Report(List<Difference> differences, Map<String, String> reference, int compared,
                      List<String> unreachable) {
            this(differences, reference, compared, unreachable, List.of());
        }

        /** No difference and every node read. */
        public boolean clean() {
            return differences.isEmpty() && unreachable.isEmpty();
        }
    }

    public Report check() {
        List<PhysicalNode> nodes = topology.nodes();
        List<TableSpec> tables = topology.tables().stream().map(Topology.Table::spec).toList();
        Map<PhysicalNode, Catalog> catalogs = new LinkedHashMap<>();
        List<String> unreachable = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            PhysicalNode node = nodes.get(i);
            progress.update(node.describe(), "reading catalog", i, nodes.size());
            try (Connection c = Jdbc.open(node, APPLICATION)) {
                catalogs.put(node, Catalog.read(c, name -> belongs(name, tables)));
            } catch (SQLException e) {
                unreachable.add(node.describe() + " - cannot read catalog at " + node.spec().maskedUrl() + ": " + Jdbc.message(e));
            }
        }
        progress.update("all", "catalogs read", nodes.size(), nodes.size());
        List<Difference> out = new ArrayList<>();
        Map<String, String> references = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        int compared = 0;
        for (TableSpec t : tables) {
            Topology.Table compiled = topology.table(t.name());
            List<String> shards = compiled.shards();
            PhysicalNode refNode = nodes.stream().filter(n -> n.primary() && n.shard().equals(shards.get(0)))
                    .findFirst().orElseThrow();
            Catalog refCatalog = catalogs.get(refNode);
            if (refCatalog == null) {
                continue;
            }
            Catalog.Table ref = refCatalog.table(t.name());
            if (ref == null) {
                out.add(new Difference(refNode.describe(), t.name(), t.name(), "table", t.name(), "is missing", null, null));
                continue;
            }
            references.put(t.name(), refNode.describe() + " " + t.name());
            warnings.addAll(uniquenessWarnings(t, ref));
            Set<String> expected = new java.util.TreeSet<>(compiled.physicalTables());
            expected.add(t.name());
            for (Map.Entry<PhysicalNode, Catalog> e : catalogs.entrySet()) {
                PhysicalNode node = e.getKey();
                if (!shards.contains(node.shard())) {
                    continue;
                }
                Set<String> present = new java.util.TreeSet<>();
                for (Catalog.Table physical : e.getValue().tables().values()) {
                    if (physical.name().equals(t.name()) || t.strategy().byMonth()
                            && PhysicalNames.isMonthTable(physical.name(), t.name())) {
                        present.add(physical.name());
                        if (!(node == refNode && physical.name().equals(t.name()))) {
                            compare(ref, physical, node.describe(), t.name(), out);
                            compared++;
                        }
                    }
                }
                for (String missing : expected) {
                    if (!present.contains(missing)) {
                        out.add(new Difference(node.describe(), missing, t.name(), "table", missing, "is missing", null, null));
                    }
                }
            }
        }
        return new Report(out, references, compared, unreachable, warnings);
    }

    /**
     * The primary keys, unique constraints and unique indexes of a sharded table's template that lack its shard key
     * (the user id; for a table split by month also the time column): PostgreSQL enforces them per physical table
     * only, so two users on two shards (or two months) can hold the same key and {@code ON CONFLICT} does not see the
     * other table. One line each, e.g. {@code watch_event: primary key watch_event_pkey (event_id, created_at) does not
     * contain user_id: ...}.
     */
    static List<String> uniquenessWarnings(TableSpec t, Catalog.Table template) {
        List<String> needed = new ArrayList<>();
        if (t.strategy().byUser()) {
            needed.add(t.keyColumn());
        }
        if (t.strategy().byMonth()) {
            needed.add(t.timeColumn());
        }
        List<String> out = new ArrayList<>();
        if (needed.isEmpty()) {
            return out;
        }
        for (Catalog.Constraint k : template.constraints()) {
            if (k.type().equals("p") || k.type().equals("u")) {
                warnUnlessCovered(t, (k.type().equals("p") ? "primary key " : "unique constraint ") + k.name(),
                        columns(k.definition(), k.definition().indexOf('(')), needed, out);
            }
        }
        for (Catalog.Index i : template.indexes()) {
            String d = i.definition();
            int using = d.indexOf(" USING ");
            if (!i.constraint() && d.startsWith("CREATE UNIQUE INDEX") && using > 0) {
                warnUnlessCovered(t, "unique index " + i.name(), columns(d, d.indexOf('(', using)), needed, out);
            }
        }
        return out;
    }

    private static void warnUnlessCovered(TableSpec t, String what, List<String> columns, List<String> needed,
                                          List<String> out) {
        List<String> missing = needed.stream().filter(c -> !columns.contains(c)).toList();
        if (missing.isEmpty()) {
            return;
        }
        String scope = missing.contains(t.keyColumn()) ? "shard" : "month table";
        out.add(t.name() + ": " + what + " (" + String.join(", ", columns) + ") does not contain "
                + String.join(" and ", missing) + ": PostgreSQL enforces it per physical table only, so rows on"
                + " different " + scope + "s can hold the same key and ON CONFLICT does not see the other " + scope
                + "; add " + String.join(", ", missing) + " to it"
                + (t.idColumn() != null ? ", and leave " + t.idColumn() + " to the layer's Snowflake ids (tables." + t.name()
                + ".id), unique across shards" : ", or let the layer generate the id (tables." + t.name()
                + ".id: a Snowflake id, unique across shards and months)"));
    }

    /** The plain column names of the parenthesized list at {@code open}; an expression counts as none. */
    static List<String> columns(String definition, int open) {
        List<String> out = new ArrayList<>();
        if (open < 0) {
            return out;
        }
        int depth = 0;
        StringBuilder part = new StringBuilder();
        for (int i = open + 1; i < definition.length(); i++) {
            char c = definition.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth-- == 0) {
                add(part, out);
                break;
            } else if (c == ',' && depth == 0) {
                add(part, out);
                part.setLength(0);
                continue;
            }
            part.append(c);
        }
        return out;
    }

    private static void add(StringBuilder part, List<String> out) {
        String p = part.toString().trim();
        if (p.isEmpty() || p.indexOf('(') >= 0) {
            return;
        }
        String name = p.split("\\s+")[0];
        out.add(name.startsWith("\"") ? name.substring(1, name.length() - 1) : name);
    }

    private static boolean belongs(String name, List<TableSpec> tables) {
        for (TableSpec t : tables) {
            if (name.equals(t.name()) || t.strategy().byMonth() && PhysicalNames.isMonthTable(name, t.name())) {
                return true;
            }
        }
        return false;
    }

    static void compare(Catalog.Table ref, Catalog.Table actual, String node, String logical, List<Difference> out) {
        String table = actual.name();
        Map<String, Catalog.Column> refCols = new LinkedHashMap<>();
        ref.columns().forEach(c -> refCols.put(c.name(), c));
        Map<String, Catalog.Column> cols = new LinkedHashMap<>();
        actual.columns().forEach(c -> cols.put(c.name(), c));
        for (Catalog.Column rc : refCols.values()) {
            Catalog.Column c = cols.get(rc.name());
            if (c == null) {
                out.add(diff(node, table, logical, "column", rc.name(), "is missing", columnText(rc, ref.name()), null));
                continue;
            }
            check(out, node, table, logical, "column", rc.name(), "type differs", rc.type(), c.type());
            check(out, node, table, logical, "column", rc.name(), "nullability differs",
                    rc.notNull() ? "NOT NULL" : "NULL", c.notNull() ? "NOT NULL" : "NULL");
            check(out, node, table, logical, "column", rc.name(), "default differs",
                    normalized(rc.defaultValue(), ref.name()), normalized(c.defaultValue(), table));
            check(out, node, table, logical, "column", rc.name(), "identity differs", rc.identity(), c.identity());
            check(out, node, table, logical, "column", rc.name(), "generated differs", rc.generated(), c.generated());
            check(out, node, table, logical, "column", rc.name(), "collation differs", rc.collation(), c.collation());
        }
        for (Catalog.Column c : cols.values()) {
            if (!refCols.containsKey(c.name())) {
                out.add(diff(node, table, logical, "column", c.name(), "is extra", null, columnText(c, table)));
            }
        }
        List<String> refOrder = new ArrayList<>(refCols.keySet());
        List<String> order = new ArrayList<>(cols.keySet());
        if (refOrder.size() == order.size() && new java.util.HashSet<>(refOrder).equals(new java.util.HashSet<>(order))
                && !refOrder.equals(order)) {
            out.add(diff(node, table, logical, "column", "order", "differs", String.join(", ", refOrder),
                    String.join(", ", order)));
        }
        compareObjects(out, node, table, logical, "index", ref.name(),
                named(ref.indexes(), Catalog.Index::name, i -> indexDefinition(i.definition(), ref.name()), ref.name()),
                named(actual.indexes(), Catalog.Index::name, i -> indexDefinition(i.definition(), table), table));
        compareObjects(out, node, table, logical, "constraint", ref.name(),
                named(ref.constraints(), Catalog.Constraint::name, k -> normalized(k.definition(), ref.name()), ref.name()),
                named(actual.constraints(), Catalog.Constraint::name, k -> normalized(k.definition(), table), table));
        compareObjects(out, node, table, logical, "trigger", null,
                named(ref.triggers(), Catalog.Trigger::name, g -> normalized(g.definition(), ref.name()), null),
                named(actual.triggers(), Catalog.Trigger::name, g -> normalized(g.definition(), table), null));
    }

    /** Objects by their table-independent name: local name → [actual name, normalized definition]. */
    private static <T> Map<String, String[]> named(List<T> objects, java.util.function.Function<T, String> name,
                                                   java.util.function.Function<T, String> definition, String table) {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (T o : objects) {
            String n = name.apply(o);
            out.put(table == null ? n : PhysicalNames.local(n, table), new String[] {n, definition.apply(o)});
        }
        return out;
    }

    private static void compareObjects(List<Difference> out, String node, String table, String logical, String kind,
                                       String refTable, Map<String, String[]> ref, Map<String, String[]> actual) {
        List<Map.Entry<String, String[]>> missing = new ArrayList<>();
        for (Map.Entry<String, String[]> e : ref.entrySet()) {
            String[] a = actual.get(e.getKey());
            if (a == null) {
                missing.add(e);
            } else if (!a[1].equals(e.getValue()[1])) {
                out.add(diff(node, table, logical, kind, a[0], "definition differs", e.getValue()[1], a[1]));
            }
        }
        List<String[]> extra = new ArrayList<>();
        for (Map.Entry<String, String[]> e : actual.entrySet()) {
            if (!ref.containsKey(e.getKey())) {
                extra.add(e.getValue());
            }
        }
        for (Map.Entry<String, String[]> m : missing) {
            String refName = m.getValue()[0];
            // the name the object has on this table when it was made by a migration or by months --ahead
            String expectedName = refTable == null || table.equals(refTable) ? refName
                    : table + "_" + PhysicalNames.local(refName, refTable);
            String[] renamed = extra.stream().filter(x -> x[1].equals(m.getValue()[1])).findFirst().orElse(null);
            if (renamed != null) {
                extra.remove(renamed);
                out.add(diff(node, table, logical, kind, renamed[0], "name differs (a later migration naming it will "
                        + "not find it here)", expectedName, renamed[0]));
            } else {
                out.add(diff(node, table, logical, kind, expectedName, "is missing", m.getValue()[1], null));
            }
        }
        for (String[] x : extra) {
            out.add(diff(node, table, logical, kind, x[0], "is extra", null, x[1]));
        }
    }

    /** An index definition without the index's own name: {@code CREATE INDEX ON public.<table> USING btree (a)}. */
    static String indexDefinition(String definition, String table) {
        return normalized(definition, table).replaceFirst("^(CREATE (UNIQUE )?INDEX )\\S+ ON ", "$1ON ");
    }

    private static void check(List<Difference> out, String node, String table, String logical, String kind, String name,
                              String problem, String expected, String actual) {
        if (!Objects.equals(expected, actual)) {
            out.add(diff(node, table, logical, kind, name, problem, expected == null ? "none" : expected,
                    actual == null ? "none" : actual));
        }
    }

    private static Difference diff(String node, String table, String logical, String kind, String name, String problem,
                                   String expected, String actual) {
        return new Difference(node, table, logical, kind, name, problem, expected, actual);
    }

    private static String columnText(Catalog.Column c, String table) {
        return c.type() + (c.notNull() ? " NOT NULL" : "")
                + (c.defaultValue() == null ? "" : " DEFAULT " + normalized(c.defaultValue(), table));
    }

    /**
     * A definition with its own table's name, and the names derived from it, replaced by {@code <table>}, so that
     * {@code CREATE INDEX watch_event_202611_user_idx ON public.watch_event_202611 ...} and the template's compare
     * equal.
     */
    static String normalized(String definition, String table) {
        if (definition == null) {
            return null;
        }
        StatementExpander.Expansion e = new StatementExpander(Set.of(table)).analyze(definition, false);
        String placeholder = "\u0001";
        StringBuilder sb = new StringBuilder();
        for (SqlLexer.Token t : SqlLexer.tokenize(e.render(placeholder))) {
            // names derived from the table inside literals, e.g. nextval('watch_event_202611_id_seq'::regclass)
            sb.append(t.kind() == SqlLexer.Kind.STRING ? t.text().replace(table + "_", placeholder + "_") : t.text());
        }
        return sb.toString().replace(placeholder, "<table>");
    }
}
