package com.skyriff.data.rules;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The rules compiled once, as of one clock reading, into what every statement path needs: shards and their nodes,
 * the logical tables with their strategy, key and time columns and month windows, the bucket map, and the functions
 * {@link #shardOf(long)}, {@link #monthTable(Table, Object)} and {@link #monthsTouched(Table, Object, Object, boolean)}.
 * ShardingSphere's algorithms, the health runtime, the statement guard, the single-shard path and the CLI all use one
 * instance per month-window generation, so they cannot disagree. The key and time conversions are the only ones of
 * the layer: a key that is not a whole number is refused, never truncated ({@link UserBuckets#userId}).
 *
 * <p>Lookups are arrays and arithmetic: the cost of {@code shardOf} and {@code monthTable} does not grow with the
 * number of shards or months. Immutable, thread-safe.
 */
public final class Topology {
    private final Rules rules;
    private final ZoneId zone;
    private final String[] shardNames;
    private final Map<String, Integer> shardIndex;
    private final int defaultShard;
    /** Shard index of each bucket. */
    private final int[] shardOfBucket;
    private final List<PhysicalNode> nodes;
    private final Map<String, Table> tables;
    private final List<Table> tableList;

    private Topology(Rules rules, Clock clock) {
        this.rules = rules;
        this.zone = rules.monthZone();
        List<ShardSpec> shards = rules.shards();
        this.shardNames = new String[shards.size()];
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < shardNames.length; i++) {
            shardNames[i] = shards.get(i).name();
            index.put(shardNames[i], i);
        }
        this.shardIndex = Map.copyOf(index);
        this.defaultShard = index.get(rules.defaultShard());
        UserBuckets buckets = rules.buckets();
        this.shardOfBucket = new int[buckets.bucketCount()];
        for (int b = 0; b < shardOfBucket.length; b++) {
            shardOfBucket[b] = index.get(buckets.shardOfBucket(b));
        }
        this.nodes = rules.nodes();
        Map<String, Table> byName = new LinkedHashMap<>();
        for (TableSpec t : rules.tables().values()) {
            List<String> on = switch (t.strategy()) {
                case USER, USER_MONTH, BROADCAST -> List.of(shardNames);
                case MONTH, SINGLE -> List.of(rules.defaultShard());
            };
            byName.put(t.name().toLowerCase(Locale.ROOT), new Table(t, on,
                    t.strategy().byMonth() ? MonthWindow.of(t, clock, zone) : null));
        }
        this.tables = Collections.unmodifiableMap(byName);
        this.tableList = List.copyOf(byName.values());
    }

    /** Compiles {@code rules} with the month windows as of {@code clock}'s current month in the rules' month zone. */
    public static Topology compile(Rules rules, Clock clock) {
        return new Topology(Objects.requireNonNull(rules, "rules"), Objects.requireNonNull(clock, "clock"));
    }

    /** The rules this was compiled from. */
    public Rules rules() {
        return rules;
    }

    /** The zone in which a time's calendar month is taken. */
    public ZoneId monthZone() {
        return zone;
    }

    // ---- shards and nodes

    public int shardCount() {
        return shardNames.length;
    }

    public String shardName(int shard) {
        return shardNames[shard];
    }

    /** Shard names in the rules' order (their indexes). */
    public List<String> shardNames() {
        return List.of(shardNames);
    }

    /** The index of a shard; -1 for a name the rules do not have. */
    public int shardIndex(String name) {
        Integer i = shardIndex.get(name);
        return i == null ? -1 : i;
    }

    /** The shard single and monthly tables live on. */
    public int defaultShard() {
        return defaultShard;
    }

    /** Every physical server, shard by shard, primary first ({@link Rules#nodes()}). */
    public List<PhysicalNode> nodes() {
        return nodes;
    }

    /** The nodes of one shard, primary first. */
    public List<PhysicalNode> nodes(int shard) {
        String name = shardNames[shard];
        return nodes.stream().filter(n -> n.shard().equals(name)).toList();
    }

    // ---- users and buckets

    public int bucketCount() {
        return shardOfBucket.length;
    }

    /** The shard index that owns {@code bucket} (0 .. {@link #bucketCount()} - 1). */
    public int shardOfBucket(int bucket) {
        return shardOfBucket[bucket];
    }

    public int bucketOf(long userId) {
        return UserBuckets.bucketOf(userId, shardOfBucket.length);
    }

    /** The shard index of a user id: its bucket's owner. */
    public int shardOf(long userId) {
        return shardOfBucket[UserBuckets.bucketOf(userId, shardOfBucket.length)];
    }

    /**
     * The shard index of a shard-key value of {@code table}, through the one key conversion of every path.
     *
     * @throws IllegalArgumentException naming {@code table.keyColumn} and the value when it is not a whole number
     */
    public int shardOf(Table table, Object key) {
        return shardOf(userId(table.name(), table.keyColumn(), key));
    }

    /**
     * The user id a shard-key value stands for, for every path: whole numbers of any Java type and decimal-digit
     * text; anything else (5.5, "abc", null) is refused, never truncated. See {@link UserBuckets#userId}.
     */
    public static long userId(String table, String column, Object key) {
        return UserBuckets.userId(table, column, key);
    }

    // ---- tables and months

    /** The rules table of that name (case-insensitive); null if the rules do not have it. */
    public Table table(String name) {
        Table t = tables.get(name);
        return t != null ? t : tables.get(name.toLowerCase(Locale.ROOT));
    }

    /** The logical tables in the order the rules list them. */
    public List<Table> tables() {
        return tableList;
    }

    /**
     * The calendar month, in the month zone, of a value of {@code table}'s time column: {@code Timestamp},
     * {@code java.sql.Date}, {@code Date}, {@code OffsetDateTime}, {@code ZonedDateTime}, {@code Instant},
     * {@code LocalDateTime} and {@code LocalDate} (taken in the month zone) and ISO text.
     *
     * @throws IllegalArgumentException naming {@code table.timeColumn} and the value otherwise
     */
    public YearMonth month(Table table, Object time) {
        return YearMonth.from(at(table.name(), table.timeColumn(), time, zone));
    }

    /**
     * The physical table that holds a time of a monthly table, e.g. {@code watch_event_202611}.
     *
     * @throws IllegalArgumentException when the value is not a time or its month is outside the window
     */
    public String monthTable(Table table, Object time) {
        YearMonth month = month(table, time);
        int i = table.monthIndex(month);
        if (i < 0) {
            throw new IllegalArgumentException(table.name() + "." + table.timeColumn() + " value '" + time
                    + "' falls in month " + month + ", outside the table's month window " + table.window()
                    + " (rules: tables." + table.name() + ".first-month / months-ahead)");
        }
        return table.monthTables[i];
    }

    /**
     * The months of the window a time range touches: from the month of {@code from} (null: the window's first) to the
     * month of {@code to} (null: the window's last); an exclusive {@code to} exactly at a month's first instant does
     * not touch that month. Empty when the range misses the window.
     *
     * @throws IllegalArgumentException when a bound is not a time
     */
    public Months monthsTouched(Table table, Object from, Object to, boolean toInclusive) {
        if (table.window == null) {
            throw new IllegalArgumentException(table.name() + " is not split by month (strategy " + table.strategy()
                    + ")");
        }
        int lo = from == null ? 0 : epochMonth(month(table, from)) - table.firstEpochMonth;
        int hi;
        if (to == null) {
            hi = table.monthTables.length - 1;
        } else {
            ZonedDateTime at = at(table.name(), table.timeColumn(), to, zone);
            YearMonth m = YearMonth.from(at);
            if (!toInclusive && at.equals(m.atDay(1).atStartOfDay(zone))) {
                m = m.minusMonths(1);
            }
            hi = epochMonth(m) - table.firstEpochMonth;
        }
        lo = Math.max(lo, 0);
        hi = Math.min(hi, table.monthTables.length - 1);
        return new Months(table, lo, hi);
    }

    /** Whether every monthly table has the same window here and in {@code other} (a roll-over changes none). */
    public boolean sameWindows(Topology other) {
        if (other.tableList.size() != tableList.size()) {
            return false;
        }
        for (int i = 0; i < tableList.size(); i++) {
            if (!Objects.equals(tableList.get(i).window, other.tableList.get(i).window)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Topology[").append(rules.name()).append(", shards=")
                .append(List.of(shardNames)).append(", buckets=").append(shardOfBucket.length);
        for (Table t : tableList) {
            if (t.window != null) {
                sb.append(", ").append(t.name()).append('=').append(t.window);
            }
        }
        return sb.append(']').toString();
    }

    private static int epochMonth(YearMonth m) {
        return m.getYear() * 12 + m.getMonthValue() - 1;
    }

    private static ZonedDateTime at(String table, String column, Object v, ZoneId zone) {
        if (v instanceof Timestamp ts) {
            return ts.toInstant().atZone(zone);
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate().atStartOfDay(zone);
        }
        if (v instanceof Date d) {
            return d.toInstant().atZone(zone);
        }
        if (v instanceof OffsetDateTime o) {
            return o.atZoneSameInstant(zone);
        }
        if (v instanceof ZonedDateTime z) {
            return z.withZoneSameInstant(zone);
        }
        if (v instanceof Instant i) {
            return i.atZone(zone);
        }
        if (v instanceof LocalDateTime l) {
            return l.atZone(zone);
        }
        if (v instanceof LocalDate d) {
            return d.atStartOfDay(zone);
        }
        if (v instanceof String s) {
            ZonedDateTime parsed = parse(s.trim(), zone);
            if (parsed != null) {
                return parsed;
            }
        }
        throw new IllegalArgumentException(table + "." + column + " must be a timestamp (Timestamp, OffsetDateTime, "
                + "Instant, LocalDateTime, LocalDate or ISO text); was "
                + (v == null ? "null" : v.getClass().getSimpleName() + " '" + v + "'"));
    }

    private static ZonedDateTime parse(String s, ZoneId zone) {
        String t = s.replace(' ', 'T');
        try {
            return OffsetDateTime.parse(t).atZoneSameInstant(zone);
        } catch (DateTimeParseException e) {
            // not with an offset
        }
        try {
            return LocalDateTime.parse(t).atZone(zone);
        } catch (DateTimeParseException e) {
            // not a local date-time
        }
        try {
            return LocalDate.parse(s).atStartOfDay(zone);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** One logical table as compiled: its spec, shards and, for a monthly table, its window's physical tables. */
    public static final class Table {
        private final TableSpec spec;
        private final List<String> shards;
        private final MonthWindow window;
        private final int firstEpochMonth;
        private final String[] monthTables;

        private Table(TableSpec spec, List<String> shards, MonthWindow window) {
            this.spec = spec;
            this.shards = List.copyOf(shards);
            this.window = window;
            if (window == null) {
                this.firstEpochMonth = 0;
                this.monthTables = new String[0];
            } else {
                this.firstEpochMonth = epochMonth(window.first());
                this.monthTables = new String[window.size()];
                for (int i = 0; i < monthTables.length; i++) {
                    monthTables[i] = spec.monthTable(window.first().plusMonths(i));
                }
            }
        }

        public TableSpec spec() {
            return spec;
        }

        public String name() {
            return spec.name();
        }

        public Strategy strategy() {
            return spec.strategy();
        }

        /** The user-id column; null unless split by user. */
        public String keyColumn() {
            return spec.keyColumn();
        }

        /** The time column; null unless split by month. */
        public String timeColumn() {
            return spec.timeColumn();
        }

        /** The shards the table has physical tables on. */
        public List<String> shards() {
            return shards;
        }

        /** The month window; null for a table not split by month. */
        public MonthWindow window() {
            return window;
        }

        /** How many month tables the window has; 0 for a table not split by month. */
        public int monthCount() {
            return monthTables.length;
        }

        /** The {@code i}-th month of the window (0 = the first). */
        public YearMonth month(int i) {
            return window.first().plusMonths(i);
        }

        /** The physical table of the {@code i}-th month of the window. */
        public String monthTable(int i) {
            return monthTables[i];
        }

        /** The position of {@code month} in the window; -1 outside it. */
        public int monthIndex(YearMonth month) {
            int i = epochMonth(month) - firstEpochMonth;
            return i >= 0 && i < monthTables.length ? i : -1;
        }

        /** The physical table names on each of its shards: the month tables of the window, or the table itself. */
        public List<String> physicalTables() {
            return window == null ? List.of(spec.name()) : List.of(monthTables);
        }

        @Override
        public String toString() {
            return spec.name() + " (" + spec.strategy() + (window == null ? "" : ", " + window) + ")";
        }
    }

    /** A run of consecutive months of one table's window, by position; empty when {@code last < first}. */
    public record Months(Table table, int first, int last) {
        public boolean isEmpty() {
            return last < first;
        }

        public int size() {
            return isEmpty() ? 0 : last - first + 1;
        }

        /** The physical tables, oldest first. */
        public List<String> tables() {
            List<String> out = new ArrayList<>(size());
            for (int i = first; i <= last; i++) {
                out.add(table.monthTable(i));
            }
            return out;
        }

        /** e.g. {@code 2026-10..2026-12}; the window's bounds when empty. */
        @Override
        public String toString() {
            return isEmpty() ? "none of " + table.window() : table.month(first) + ".." + table.month(last);
        }
    }
}
