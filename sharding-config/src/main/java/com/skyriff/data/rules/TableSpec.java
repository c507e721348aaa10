package com.skyriff.data.rules;

import java.time.YearMonth;
import java.util.Objects;

/**
 * One logical table and how it is sharded. Build with the static factories. Immutable, thread-safe.
 *
 * @param keyColumn   the user-id column ({@code user}, {@code user+month}); null otherwise
 * @param timeColumn  the timestamp column ({@code month}, {@code user+month}); null otherwise
 * @param firstMonth  the first month that has a table
 * @param monthsAhead how many months past the current one must have tables
 * @param lastMonth   optional fixed last month (an archive table that no longer rolls over); null for a rolling window
 * @param idColumn    optional column filled with a distributed Snowflake id on insert; null for none
 * @param allowFullScan whether statements without the shard key (every shard, every month) are allowed
 * @param maxMonthsPerQuery the widest time range, in months, a statement may touch; null for no limit
 */
public record TableSpec(String name, Strategy strategy, String keyColumn, String timeColumn, YearMonth firstMonth,
                        Integer monthsAhead, YearMonth lastMonth, String idColumn, boolean allowFullScan,
                        Integer maxMonthsPerQuery) {

    public TableSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(strategy, "strategy");
    }

    /** A table that refuses full scans and has no month limit. */
    public TableSpec(String name, Strategy strategy, String keyColumn, String timeColumn, YearMonth firstMonth,
                     Integer monthsAhead, YearMonth lastMonth, String idColumn) {
        this(name, strategy, keyColumn, timeColumn, firstMonth, monthsAhead, lastMonth, idColumn, false, null);
    }

    public static TableSpec user(String name, String keyColumn) {
        return new TableSpec(name, Strategy.USER, keyColumn, null, null, null, null, null);
    }

    public static TableSpec month(String name, String timeColumn, YearMonth firstMonth, int monthsAhead) {
        return new TableSpec(name, Strategy.MONTH, null, timeColumn, firstMonth, monthsAhead, null, null);
    }

    public static TableSpec userMonth(String name, String keyColumn, String timeColumn, YearMonth firstMonth,
                                      int monthsAhead) {
        return new TableSpec(name, Strategy.USER_MONTH, keyColumn, timeColumn, firstMonth, monthsAhead, null, null);
    }

    public static TableSpec broadcast(String name) {
        return new TableSpec(name, Strategy.BROADCAST, null, null, null, null, null, null);
    }

    public static TableSpec single(String name) {
        return new TableSpec(name, Strategy.SINGLE, null, null, null, null, null, null);
    }

    /** This table with a Snowflake id generated into {@code column} on insert. */
    public TableSpec withId(String column) {
        return new TableSpec(name, strategy, keyColumn, timeColumn, firstMonth, monthsAhead, lastMonth, column,
                allowFullScan, maxMonthsPerQuery);
    }

    /** This table with a fixed last month instead of a rolling window. */
    public TableSpec withLastMonth(YearMonth month) {
        return new TableSpec(name, strategy, keyColumn, timeColumn, firstMonth, monthsAhead, month, idColumn,
                allowFullScan, maxMonthsPerQuery);
    }

    /** This table with statements that touch every shard (and month) allowed: for admin and reporting jobs. */
    public TableSpec withFullScanAllowed() {
        return new TableSpec(name, strategy, keyColumn, timeColumn, firstMonth, monthsAhead, lastMonth, idColumn,
                true, maxMonthsPerQuery);
    }

    /** This monthly table with statements limited to time ranges of at most {@code months} months. */
    public TableSpec withMaxMonthsPerQuery(int months) {
        return new TableSpec(name, strategy, keyColumn, timeColumn, firstMonth, monthsAhead, lastMonth, idColumn,
                allowFullScan, months);
    }

    /** The physical table that holds {@code month} of this table, e.g. {@code watch_event_202611}. */
    public String monthTable(YearMonth month) {
        return MonthWindow.tableName(name, month);
    }
}
