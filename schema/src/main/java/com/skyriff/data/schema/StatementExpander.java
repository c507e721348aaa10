package com.skyriff.data.schema;

import com.skyriff.data.schema.SqlLexer.Kind;
import com.skyriff.data.schema.SqlLexer.Token;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Internal to SkyRiff Data (not API): may change in any release. Immutable, thread-safe.
 * <p>
 * Rewrites one SQL statement written against a logical monthly table ({@code watch_event}) for one of its physical
 * tables ({@code watch_event_202611}): every identifier that names the table is replaced, and every index,
 * constraint or statistics name is renamed with {@link PhysicalNames#physical} so that the copies on different month
 * tables never collide. Works on tokens, so names inside string literals, dollar-quoted bodies and comments are left
 * alone.
 */
public final class StatementExpander {
    private final Set<String> monthlyTables;

    /** @param monthlyTables the logical tables split by month (lower-case names) */
    public StatementExpander(Set<String> monthlyTables) {
        this.monthlyTables = Set.copyOf(monthlyTables);
    }

    /** One statement, analysed. Internal to SkyRiff Data (not API); immutable, thread-safe. */
    public static final class Expansion {
        private final String sql;
        private final List<Token> tokens;
        private final String table;
        private final Set<Integer> tableTokens;
        private final Set<Integer> nameTokens;
        private final boolean createsTable;
        private final boolean dropsTable;
        private final boolean transactional;

        Expansion(String sql, List<Token> tokens, String table, Set<Integer> tableTokens, Set<Integer> nameTokens,
                  boolean createsTable, boolean dropsTable, boolean transactional) {
            this.sql = sql;
            this.tokens = tokens;
            this.table = table;
            this.tableTokens = Set.copyOf(tableTokens);
            this.nameTokens = Set.copyOf(nameTokens);
            this.createsTable = createsTable;
            this.dropsTable = dropsTable;
            this.transactional = transactional;
        }

        /** The monthly logical table this statement is about; null if it names none (it then runs unchanged). */
        public String table() {
            return table;
        }

        /** {@code CREATE TABLE <monthly table>}: also creates the month tables of the window. */
        public boolean createsTable() {
            return createsTable;
        }

        /** {@code DROP TABLE <monthly table>}: also drops its month tables. */
        public boolean dropsTable() {
            return dropsTable;
        }

        /** False for statements PostgreSQL refuses inside a transaction ({@code CREATE INDEX CONCURRENTLY}, ...). */
        public boolean transactional() {
            return transactional;
        }

        /** The statement for one physical table of {@link #table()}; the statement itself when it names none. */
        public String render(String physical) {
            if (table == null || physical.equals(table)) {
                return sql;
            }
            StringBuilder sb = new StringBuilder(sql.length() + 16);
            for (int i = 0; i < tokens.size(); i++) {
                Token t = tokens.get(i);
                if (nameTokens.contains(i)) {
                    String name = PhysicalNames.physical(t.identifier(), table, physical);
                    if (name.length() > PhysicalNames.MAX_IDENTIFIER) {
                        throw new IllegalArgumentException("name " + t.identifier() + " becomes " + name + " on "
                                + physical + ", longer than PostgreSQL's " + PhysicalNames.MAX_IDENTIFIER
                                + " characters; choose a shorter name");
                    }
                    sb.append(quoteLike(t, name));
                } else if (tableTokens.contains(i)) {
                    sb.append(quoteLike(t, physical));
                } else {
                    sb.append(t.text());
                }
            }
            return sb.toString();
        }

        private static String quoteLike(Token original, String name) {
            return original.kind() == Kind.QUOTED ? '"' + name.replace("\"", "\"\"") + '"' : name;
        }
    }

    /**
     * Analyses a statement.
     *
     * @param strict for migrations written by people: refuse what cannot be expanded safely (two monthly tables in
     *               one statement, an index or constraint name that does not start with the table's name, an
     *               {@code INSERT} into a monthly table, renaming a monthly table); false for definitions read back
     *               from the catalog
     * @throws IllegalArgumentException saying what cannot be expanded and why
     */
    public Expansion analyze(String sql, boolean strict) {
        List<Token> tokens = SqlLexer.tokenize(sql);
        List<Integer> sig = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).significant()) {
                sig.add(i);
            }
        }
        String first = sig.isEmpty() ? "" : word(tokens, sig, 0);
        Set<Integer> tableTokens = new HashSet<>();
        Set<String> named = new TreeSet<>();
        for (int i : sig) {
            String id = tokens.get(i).identifier();
            if (id != null && monthlyTables.contains(id)) {
                tableTokens.add(i);
                named.add(id);
            }
        }
        Set<Integer> nameTokens = namePositions(tokens, sig, first);
        nameTokens.removeIf(i -> {
            String id = tokens.get(i).identifier();
            return id != null && monthlyTables.contains(id);
        });
        if (named.isEmpty()) {
            // DROP INDEX / ALTER INDEX / REINDEX name no table: the owner is the monthly table the name starts with
            for (int i : nameTokens) {
                String owner = ownerByPrefix(tokens.get(i).identifier());
                if (owner != null) {
                    named.add(owner);
                }
            }
        }
        boolean transactional = transactional(tokens, sig, first);
        if (named.isEmpty()) {
            return new Expansion(sql, tokens, null, Set.of(), Set.of(), false, false, transactional);
        }
        if (named.size() > 1) {
            throw new IllegalArgumentException("names monthly tables " + named
                    + "; a statement may name at most one monthly table so that it can be applied month by month");
        }
        String table = named.iterator().next();
        if (strict) {
            checkStrict(tokens, sig, first, table, tableTokens, nameTokens);
        }
        boolean creates = createsTable(tokens, sig, first, tableTokens);
        boolean drops = first.equals("drop") && sig.size() > 1 && word(tokens, sig, 1).equals("table");
        return new Expansion(sql, tokens, table, tableTokens, nameTokens, creates, drops, transactional);
    }

    private static void checkStrict(List<Token> tokens, List<Integer> sig, String first, String table,
                                    Set<Integer> tableTokens, Set<Integer> names) {
        for (int i : names) {
            String id = tokens.get(i).identifier();
            if (!id.startsWith(table + "_")) {
                throw new IllegalArgumentException("names index/constraint '" + id + "' of monthly table " + table
                        + "; the name must start with '" + table + "_' so that each month table's copy can be named "
                        + "and found (e.g. " + table + "_" + id + ")");
            }
            if (PhysicalNames.isMonthTable(id, table)) {
                throw new IllegalArgumentException("names '" + id + "', which is a month table name of " + table);
            }
        }
        if (first.equals("insert") && sig.size() > 2 && word(tokens, sig, 1).equals("into")) {
            int target = lastOfChain(tokens, sig, 2);
            if (table.equals(tokens.get(sig.get(target)).identifier())) {
                throw new IllegalArgumentException("inserts into monthly table " + table + "; expanded to every month "
                        + "table it would insert the rows once per month; insert through the layer instead");
            }
        }
        if (first.equals("create")) {
            String kind = createdKind(tokens, sig);
            boolean perTable = List.of("index", "statistics", "trigger", "policy", "rule").contains(kind);
            if (kind.equals("table") && !createsTable(tokens, sig, first, tableTokens)) {
                throw new IllegalArgumentException("creates another table from monthly table " + table + " (LIKE, AS "
                        + "SELECT, REFERENCES); expanded per month table it would create that table once per month");
            }
            if (!kind.equals("table") && !perTable) {
                throw new IllegalArgumentException("creates a " + kind + " that names monthly table " + table + "; "
                        + "expanded per month table it would be created once per month (each copy colliding with or "
                        + "replacing the last); query the months through the layer instead");
            }
        }
        if (first.equals("alter") && sig.size() > 1 && word(tokens, sig, 1).equals("table")) {
            for (int k = 2; k + 1 < sig.size(); k++) {
                if (word(tokens, sig, k).equals("rename") && word(tokens, sig, k + 1).equals("to")
                        && tableTokens.contains(sig.get(k - 1))) {
                    throw new IllegalArgumentException("renames monthly table " + table + "; rename it in the rules "
                            + "and rename its month tables by hand (ALTER TABLE .. RENAME TO for each)");
                }
            }
        }
    }

    /** What a CREATE statement creates: {@code table}, {@code index}, {@code view}, {@code materialized view}, .... */
    private static String createdKind(List<Token> tokens, List<Integer> sig) {
        int k = 1;
        while (k < sig.size() && List.of("or", "replace", "unique", "global", "local", "temp", "temporary", "unlogged",
                "recursive", "constraint", "trusted", "procedural", "default", "aggregate").contains(word(tokens, sig, k))) {
            k++;
        }
        if (k >= sig.size()) {
            return "";
        }
        String w = word(tokens, sig, k);
        return w.equals("materialized") && k + 1 < sig.size() ? "materialized " + word(tokens, sig, k + 1) : w;
    }

    private String ownerByPrefix(String name) {
        String owner = null;
        for (String t : monthlyTables) {
            if (name.startsWith(t + "_") && !PhysicalNames.isMonthTable(name, t)
                    && (owner == null || t.length() > owner.length())) {
                owner = t;
            }
        }
        return owner;
    }

    private static boolean createsTable(List<Token> tokens, List<Integer> sig, String first, Set<Integer> tableTokens) {
        if (!first.equals("create")) {
            return false;
        }
        int k = 1;
        while (k < sig.size() && List.of("global", "local", "temp", "temporary", "unlogged").contains(word(tokens, sig, k))) {
            k++;
        }
        if (k >= sig.size() || !word(tokens, sig, k).equals("table")) {
            return false;
        }
        k++;
        if (k + 2 < sig.size() && word(tokens, sig, k).equals("if")) {
            k += 3;
        }
        if (k >= sig.size()) {
            return false;
        }
        return tableTokens.contains(sig.get(lastOfChain(tokens, sig, k)));
    }

    private static boolean transactional(List<Token> tokens, List<Integer> sig, String first) {
        for (int i : sig) {
            if (tokens.get(i).isWord("concurrently")) {
                return false;
            }
        }
        if (first.equals("vacuum")) {
            return false;
        }
        String second = sig.size() > 1 ? word(tokens, sig, 1) : "";
        return !((first.equals("create") || first.equals("drop")) && (second.equals("database") || second.equals("tablespace"))
                || first.equals("alter") && second.equals("system"));
    }

    /** Token indices of index, constraint and statistics names in their syntactic positions. */
    private static Set<Integer> namePositions(List<Token> tokens, List<Integer> sig, String first) {
        Set<Integer> out = new HashSet<>();
        for (int k = 0; k < sig.size(); k++) {
            String w = word(tokens, sig, k);
            switch (w) {
                case "constraint" -> {
                    int j = skipIfExists(tokens, sig, k + 1);
                    if (isIdentifier(tokens, sig, j)) {
                        j = lastOfChain(tokens, sig, j);
                        out.add(sig.get(j));
                        if (k > 0 && word(tokens, sig, k - 1).equals("rename") && j + 2 < sig.size()
                                && word(tokens, sig, j + 1).equals("to") && isIdentifier(tokens, sig, j + 2)) {
                            out.add(sig.get(j + 2));
                        }
                    }
                }
                case "index" -> objectNames(tokens, sig, k, first, out);
                case "statistics" -> {
                    if (k == 1 && (first.equals("create") || first.equals("drop") || first.equals("alter"))) {
                        objectNames(tokens, sig, k, first, out);
                    }
                }
                case "cluster" -> {
                    if (k + 2 < sig.size() && word(tokens, sig, k + 1).equals("on") && isIdentifier(tokens, sig, k + 2)) {
                        out.add(sig.get(lastOfChain(tokens, sig, k + 2)));
                    } else if (k == 0) {
                        for (int j = 1; j + 1 < sig.size(); j++) {
                            if (word(tokens, sig, j).equals("using") && isIdentifier(tokens, sig, j + 1)) {
                                out.add(sig.get(lastOfChain(tokens, sig, j + 1)));
                            }
                        }
                    }
                }
                default -> {
                }
            }
        }
        return out;
    }

    /** After INDEX / STATISTICS: [CONCURRENTLY] [IF [NOT] EXISTS] name [, name ...] [RENAME TO name]. */
    private static void objectNames(List<Token> tokens, List<Integer> sig, int k, String first, Set<Integer> out) {
        int j = k + 1;
        if (j < sig.size() && word(tokens, sig, j).equals("concurrently")) {
            j++;
        }
        j = skipIfExists(tokens, sig, j);
        if (!isIdentifier(tokens, sig, j)) {
            return;
        }
        String w = word(tokens, sig, j);
        if (w.equals("on") || w.equals("tablespace")) {
            return;
        }
        j = lastOfChain(tokens, sig, j);
        out.add(sig.get(j));
        if (first.equals("drop")) {
            while (j + 2 < sig.size() && tokens.get(sig.get(j + 1)).text().equals(",") && isIdentifier(tokens, sig, j + 2)) {
                j = lastOfChain(tokens, sig, j + 2);
                out.add(sig.get(j));
            }
        } else if (first.equals("alter") && j + 3 < sig.size() && word(tokens, sig, j + 1).equals("rename")
                && word(tokens, sig, j + 2).equals("to") && isIdentifier(tokens, sig, j + 3)) {
            out.add(sig.get(j + 3));
        }
    }

    private static int skipIfExists(List<Token> tokens, List<Integer> sig, int j) {
        if (j < sig.size() && word(tokens, sig, j).equals("if")) {
            j++;
            if (j < sig.size() && word(tokens, sig, j).equals("not")) {
                j++;
            }
            if (j < sig.size() && word(tokens, sig, j).equals("exists")) {
                j++;
            }
        }
        return j;
    }

    /** The position of the last part of a dotted name starting at {@code j} ({@code public.t} → t). */
    private static int lastOfChain(List<Token> tokens, List<Integer> sig, int j) {
        while (j + 2 < sig.size() && tokens.get(sig.get(j + 1)).text().equals(".") && isIdentifier(tokens, sig, j + 2)) {
            j += 2;
        }
        return j;
    }

    private static boolean isIdentifier(List<Token> tokens, List<Integer> sig, int j) {
        if (j >= sig.size()) {
            return false;
        }
        Kind kind = tokens.get(sig.get(j)).kind();
        return kind == Kind.WORD || kind == Kind.QUOTED;
    }

    private static String word(List<Token> tokens, List<Integer> sig, int k) {
        Token t = tokens.get(sig.get(k));
        return t.kind() == Kind.WORD ? t.text().toLowerCase(java.util.Locale.ROOT) : "";
    }
}
