package com.skyriff.data.rules;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The months that have physical tables for one monthly table: from its first month to the current month plus
 * {@code months-ahead} (or to its fixed last month). Immutable, thread-safe.
 */
public record MonthWindow(YearMonth first, YearMonth last) {

    public MonthWindow {
        if (last.isBefore(first)) {
            throw new IllegalArgumentException("month window runs backwards: " + first + ".." + last);
        }
    }

    /** The window of {@code table} as of the clock's current month in {@code zone}. */
    public static MonthWindow of(TableSpec table, Clock clock, ZoneId zone) {
        if (!table.strategy().byMonth()) {
            throw new IllegalArgumentException(table.name() + " is not split by month (strategy " + table.strategy() + ")");
        }
        YearMonth last = table.lastMonth() != null ? table.lastMonth()
                : YearMonth.now(clock.withZone(zone)).plusMonths(table.monthsAhead());
        return new MonthWindow(table.firstMonth(), last);
    }

    public boolean contains(YearMonth month) {
        return !month.isBefore(first) && !month.isAfter(last);
    }

    public List<YearMonth> months() {
        List<YearMonth> out = new ArrayList<>();
        for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
            out.add(m);
        }
        return out;
    }

    public int size() {
        return (int) (first.until(last, java.time.temporal.ChronoUnit.MONTHS) + 1);
    }

    /** {@code watch_event} + 2026-11 = {@code watch_event_202611}. */
    public static String tableName(String logical, YearMonth month) {
        int y = month.getYear();
        int m = month.getMonthValue();
        return logical + '_' + y + (m < 10 ? "0" : "") + m;
    }

    @Override
    public String toString() {
        return first + ".." + last;
    }
}
