package com.skyriff.data.schema;

import java.time.YearMonth;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Internal to SkyRiff Data (not API): may change in any release. Stateless, thread-safe.
 * <p>
 * How names of a logical table's objects map onto its physical (month) tables. An index or constraint {@code N} of
 * the template table {@code T} is called {@code P + N.substring(T.length())} on month table {@code P} when {@code N}
 * starts with {@code T_} ({@code watch_event_user_idx} → {@code watch_event_202611_user_idx}), else {@code P_N}.
 */
public final class PhysicalNames {
    /** PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently truncated, so we refuse them. */
    static final int MAX_IDENTIFIER = 63;
    private static final Pattern MONTH_SUFFIX = Pattern.compile("_(\\d{4})(0[1-9]|1[0-2])");

    private PhysicalNames() {
    }

    /** The name object {@code name} of logical table {@code logical} has on physical table {@code physical}. */
    static String physical(String name, String logical, String physical) {
        if (physical.equals(logical)) {
            return name;
        }
        return physical + "_" + local(name, logical);
    }

    /** The part of an object name that does not depend on its table: {@code watch_event_202611_pkey} → {@code pkey}. */
    public static String local(String name, String table) {
        return name.startsWith(table + "_") ? name.substring(table.length() + 1) : name;
    }

    /** The month a physical table of {@code logical} holds, if {@code physical} is {@code logical_YYYYMM}. */
    public static Optional<YearMonth> monthOf(String physical, String logical) {
        if (!physical.startsWith(logical) || physical.length() != logical.length() + 7) {
            return Optional.empty();
        }
        Matcher m = MONTH_SUFFIX.matcher(physical.substring(logical.length()));
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(YearMonth.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
    }

    /** Whether {@code physical} is a month table of {@code logical} ({@code logical_YYYYMM}). */
    public static boolean isMonthTable(String physical, String logical) {
        return monthOf(physical, logical).isPresent();
    }
}
