package com.skyriff.data.rules.internal;

import com.google.common.collect.BoundType;
import com.google.common.collect.Range;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import org.apache.shardingsphere.sharding.api.sharding.standard.PreciseShardingValue;
import org.apache.shardingsphere.sharding.api.sharding.standard.RangeShardingValue;
import org.apache.shardingsphere.sharding.api.sharding.standard.StandardShardingAlgorithm;

/**
 * ShardingSphere table-sharding algorithm: a timestamp → the physical table of its calendar month
 * ({@code watch_event_202611}). Target tables come from the data nodes the rules computed; a time outside them fails
 * with a message naming the month and the window. Thread-safe after {@link #init}.
 */
public final class MonthShardingAlgorithm implements StandardShardingAlgorithm<Comparable<?>> {
    static final String ZONE = "zone";
    private ZoneId zone;

    @Override
    public void init(Properties props) {
        zone = ZoneId.of(props.getProperty(ZONE, "UTC"));
    }

    @Override
    public String doSharding(Collection<String> targets, PreciseShardingValue<Comparable<?>> value) {
        YearMonth month = monthOf(value.getLogicTableName(), value.getColumnName(), value.getValue(), zone);
        String table = tableName(value.getLogicTableName(), month);
        if (!targets.contains(table)) {
            throw new IllegalArgumentException(value.getLogicTableName() + "." + value.getColumnName() + " value '"
                    + value.getValue() + "' falls in month " + month + ", outside the table's month window "
                    + window(targets) + " (rules: tables." + value.getLogicTableName() + ".first-month / months-ahead)");
        }
        return table;
    }

    @Override
    public Collection<String> doSharding(Collection<String> targets, RangeShardingValue<Comparable<?>> value) {
        Range<Comparable<?>> range = value.getValueRange();
        YearMonth from = range.hasLowerBound()
                ? monthOf(value.getLogicTableName(), value.getColumnName(), range.lowerEndpoint(), zone) : null;
        YearMonth to = range.hasUpperBound()
                ? upperMonth(value.getLogicTableName(), value.getColumnName(), range.upperEndpoint(),
                range.upperBoundType(), zone) : null;
        List<String> out = new ArrayList<>();
        for (String t : targets) {
            YearMonth m = monthSuffix(t);
            if (m != null && (from == null || !m.isBefore(from)) && (to == null || !m.isAfter(to))) {
                out.add(t);
            }
        }
        return out;
    }

    /** An open upper bound exactly at a month's first instant does not include that month. */
    private static YearMonth upperMonth(String table, String column, Object v, BoundType type, ZoneId zone) {
        ZonedDateTime at = instantOf(table, column, v, zone);
        YearMonth m = YearMonth.from(at);
        if (type == BoundType.OPEN && at.equals(m.atDay(1).atStartOfDay(zone))) {
            return m.minusMonths(1);
        }
        return m;
    }

    /**
     * The first and last month a range of {@code table.column} values touches within {@code [first, last]}, as
     * {@link #doSharding(Collection, RangeShardingValue)} routes them; null if none. For data-core's guard rails.
     */
    public static YearMonth[] monthsTouched(String table, String column, Range<Comparable<?>> range, ZoneId zone,
                                            YearMonth first, YearMonth last) {
        YearMonth from = range.hasLowerBound() ? monthOf(table, column, range.lowerEndpoint(), zone) : first;
        YearMonth to = range.hasUpperBound()
                ? upperMonth(table, column, range.upperEndpoint(), range.upperBoundType(), zone) : last;
        from = from.isBefore(first) ? first : from;
        to = to.isAfter(last) ? last : to;
        return to.isBefore(from) ? null : new YearMonth[] {from, to};
    }

    /** The calendar month (in {@code zone}) of one {@code table.column} value; see {@link #doSharding}. */
    public static YearMonth month(String table, String column, Object value, ZoneId zone) {
        return monthOf(table, column, value, zone);
    }

    static YearMonth monthOf(String table, String column, Object v, ZoneId zone) {
        return YearMonth.from(instantOf(table, column, v, zone));
    }

    static ZonedDateTime instantOf(String table, String column, Object v, ZoneId zone) {
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
        try {
            return OffsetDateTime.parse(s.replace(' ', 'T')).atZoneSameInstant(zone);
        } catch (DateTimeParseException e) {
            // not with an offset
        }
        try {
            return LocalDateTime.parse(s.replace(' ', 'T')).atZone(zone);
        } catch (DateTimeParseException e) {
            // not a local date-time
        }
        try {
            return LocalDate.parse(s).atStartOfDay(zone);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String tableName(String logical, YearMonth month) {
        return com.skyriff.data.rules.MonthWindow.tableName(logical, month);
    }

    /** {@code watch_event_202611} → 2026-11; null if the name has no month suffix. */
    static YearMonth monthSuffix(String table) {
        int n = table.length();
        if (n < 8 || table.charAt(n - 7) != '_') {
            return null;
        }
        try {
            int yyyymm = Integer.parseInt(table.substring(n - 6));
            return YearMonth.of(yyyymm / 100, yyyymm % 100);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String window(Collection<String> targets) {
        YearMonth min = null;
        YearMonth max = null;
        for (String t : targets) {
            YearMonth m = monthSuffix(t);
            if (m != null) {
                min = min == null || m.isBefore(min) ? m : min;
                max = max == null || m.isAfter(max) ? m : max;
            }
        }
        return min + ".." + max;
    }

    @Override
    public String getType() {
        return "SKYRIFF_MONTH";
    }
}
