package com.skyriff.data.rules;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A password or other credential. Its {@link #toString()} never shows the value, so it can sit in records that are
 * logged or printed. Immutable, thread-safe.
 */
public final class Secret {
    private static final Secret NONE = new Secret("");
    /** {@code password=...} as a URL query parameter or a {@code ;}-separated property, any case. */
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password\\s*=\\s*)[^&;\\s'\"]*");
    /** {@code scheme://user:password@host}: the password part of a URL's userinfo. */
    private static final Pattern USERINFO = Pattern.compile("(://[^/@\\s'\":]*:)[^@/\\s'\"]*@");
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        return value == null || value.isEmpty() ? NONE : new Secret(value);
    }

    public static Secret none() {
        return NONE;
    }

    /** The clear value; only for handing to a driver. */
    public String reveal() {
        return value;
    }

    /**
     * {@code text} with every credential that a URL or connection string can carry replaced by {@code <masked>}: the
     * value of any {@code password=} parameter (any case, {@code &}- or {@code ;}-separated) and the password of a
     * {@code user:password@} userinfo. The one masking function for every message, log line, status and output that
     * quotes a URL (or a driver message that might); null stays null. Not for the hot path (regular expressions).
     */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        if (out.indexOf('@') >= 0 && out.contains("://")) {
            out = USERINFO.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "@");
        }
        if (containsIgnoreCase(out, "password")) {
            out = PASSWORD_PARAM.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK));
        }
        return out;
    }

    private static final String MASK = "<masked>";

    private static boolean containsIgnoreCase(String s, String part) {
        for (int i = 0; i + part.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, part, 0, part.length())) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "<none>" : "<masked>";
    }
}
