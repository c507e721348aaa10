package com.skyriff.data.guard.internal;

import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Topology;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The column types and collations of the rules' tables as PostgreSQL stores them, read once per logical table (on the
 * first cross-shard statement that compares one of its columns) from every shard primary that holds it, over all of
 * its physical tables, and kept: the cross-shard allow-list needs them to tell whether ShardingSphere's Java
 * comparisons order a column as PostgreSQL does. A column whose physical tables disagree is kept with the least
 * mergeable of their types. Thread-safe.
 */
final class ColumnTypes {
    /** How ShardingSphere 5.5.2's merge compares a value of a type, against PostgreSQL's order. */
    enum Family {
        /** Java's order is PostgreSQL's: integers, numeric, boolean, date, timestamp, timestamptz. */
        ORDERED,
        /** A collatable type (text, varchar, char(n), name, ...): compared as Java strings. */
        TEXT,
        /** Any other type: Java orders it differently (uuid, float, enum, time) or not at all. */
        OTHER,
        /** Not known (a parameter, an expression the check cannot type, a column not in the metadata). */
        UNKNOWN
    }

    /**
     * One column: its PostgreSQL type, how the merge compares it, for text its collation ("C", "en-x-icu", or the
     * database's own for "default") and the database encoding, and where it is ({@code table.column}; null for the
     * type of an expression).
     */
    record Column(String type, Family family, String collation, String encoding, String source) {
        static final Column UNKNOWN = new Column("unknown", Family.UNKNOWN, null, null, null);

        /** {@code type} as an ordered, text or other family. */
        static Column of(String type) {
            return new Column(type, familyOf(type), null, null, null);
        }
    }

    private static final String QUERY = """
            SELECT a.attname, b.typname, b.typcategory, co.collname, d.datcollate, pg_encoding_to_char(d.encoding)
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_type t ON t.oid = a.atttypid
            JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
            LEFT JOIN pg_collation co ON co.oid = a.attcollation
            JOIN pg_database d ON d.datname = current_database()
            WHERE n.nspname = current_schema() AND a.attnum > 0 AND NOT a.attisdropped AND c.relname IN (%s)
            """;

    private final Topology topology;
    private final Map<String, DataSource> dataSources;
    private final Map<String, Map<String, Column>> tables = new ConcurrentHashMap<>();

    ColumnTypes(Topology topology, Map<String, DataSource> dataSources) {
        this.topology = topology;
        this.dataSources = dataSources;
    }

    /** The columns of logical table {@code name} (lower case), read on first use; empty for a table not in the rules. */
    Map<String, Column> of(String name) {
        Map<String, Column> known = tables.get(name);
        if (known != null) {
            return known;
        }
        Topology.Table t = topology.table(name);
        if (t == null) {
            return Map.of();
        }
        Map<String, Column> read = read(t);
        tables.putIfAbsent(name, read);
        return read;
    }

    private Map<String, Column> read(Topology.Table t) {
        StringBuilder names = new StringBuilder();
        for (String p : t.physicalTables()) {
            names.append(names.length() == 0 ? "" : ", ").append('\'').append(p.replace("'", "''")).append('\'');
        }
        Map<String, Column> out = new HashMap<>();
        for (String shard : t.shards()) {
            PhysicalNode primary = topology.nodes(topology.shardIndex(shard)).get(0);
            DataSource ds = dataSources.get(primary.dataSourceName());
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(String.format(QUERY, names))) {
                while (rs.next()) {
                    String type = rs.getString(2);
                    String category = rs.getString(3);
                    Family family = "E".equals(category) ? Family.OTHER : "S".equals(category) ? Family.TEXT
                            : familyOf(type);
                    String collation = rs.getString(4);
                    if ("default".equals(collation)) {
                        collation = rs.getString(5);   // the database's own
                    }
                    String name = rs.getString(1).toLowerCase(Locale.ROOT);
                    Column column = new Column(type, family, family == Family.TEXT ? collation : null,
                            rs.getString(6), t.spec().name() + "." + name);
                    out.merge(name, column, ColumnTypes::worse);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(shard + " - cannot read the column types of " + t.spec().name()
                        + " for the cross-shard merge check: " + e.getMessage(), e);
            }
        }
        return Map.copyOf(out);
    }

    private static Column worse(Column a, Column b) {
        if (a.equals(b)) {
            return a;
        }
        return a.family().ordinal() >= b.family().ordinal() && !(a.family() == Family.TEXT && "C".equals(a.collation()))
                ? a : b;
    }

    /** The family of a (base) type by its PostgreSQL name or a cast's spelling of it. */
    static Family familyOf(String type) {
        String t = type.toLowerCase(Locale.ROOT).trim();
        int paren = t.indexOf('(');
        if (paren > 0) {
            t = t.substring(0, paren).trim();
        }
        return switch (t) {
            case "int2", "int4", "int8", "smallint", "integer", "int", "bigint", "numeric", "decimal", "bool",
                    "boolean", "date", "timestamp", "timestamptz", "timestamp without time zone",
                    "timestamp with time zone" -> Family.ORDERED;
            case "text", "varchar", "character varying", "bpchar", "char", "character", "name", "citext" -> Family.TEXT;
            default -> Family.OTHER;
        };
    }

    /** Whether {@code type} is an integer or numeric type (arithmetic on two of them stays ordered). */
    static boolean numeric(String type) {
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "int2", "int4", "int8", "smallint", "integer", "int", "bigint", "numeric", "decimal" -> true;
            default -> type.toLowerCase(Locale.ROOT).startsWith("numeric") || type.toLowerCase(Locale.ROOT)
                    .startsWith("decimal");
        };
    }

    /** Why Java's order of a value of {@code column} is not PostgreSQL's, for the refusal. */
    static String why(Column column) {
        if (column.family() == Family.TEXT) {
            String collation = column.collation() == null ? "its collation" : "collation \"" + column.collation()
                    + "\"";
            boolean c = "C".equals(column.collation()) || "POSIX".equals(column.collation());
            return (c ? "even under " + collation + " PostgreSQL orders code points, while" : "PostgreSQL orders it by "
                    + collation + ", while") + " ShardingSphere 5.5.2 merges the shards' rows with Java's"
                    + " String.compareTo (UTF-16 code units: characters above U+FFFF, emoji, sort before U+E000..U+FFFF;"
                    + " upper-cased for an ORDER BY expression)";
        }
        String type = column.type();
        String how = switch (type) {
            case "uuid" -> "Java's UUID.compareTo compares signed halves, PostgreSQL unsigned bytes";
            case "float4", "float8" -> "Java orders -0.0 before 0.0, PostgreSQL holds them equal";
            case "time", "timetz" -> "the driver reads it in milliseconds, PostgreSQL orders microseconds";
            default -> "ShardingSphere 5.5.2 compares its Java value, not PostgreSQL's order of the type (an enum's"
                    + " declaration order, a range, an interval)";
        };
        return "it is " + type + ": " + how;
    }
}
