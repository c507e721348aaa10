package com.skyriff.data.rules;

/**
 * An inclusive range of virtual user buckets, written {@code 0-511} (or a single {@code 7}) in the rules file.
 * Immutable, thread-safe.
 */
public record BucketRange(int from, int to) {

    public static BucketRange of(int from, int to) {
        return new BucketRange(from, to);
    }

    /** Parses {@code "0-511"} or {@code "7"}; throws {@link IllegalArgumentException} naming the text. */
    public static BucketRange parse(String text) {
        String t = text.trim();
        int dash = t.indexOf('-', 1);
        try {
            if (dash < 0) {
                int b = Integer.parseInt(t);
                return new BucketRange(b, b);
            }
            return new BucketRange(Integer.parseInt(t.substring(0, dash).trim()),
                    Integer.parseInt(t.substring(dash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a bucket range, expected FROM-TO such as 0-511");
        }
    }

    public int size() {
        return to - from + 1;
    }

    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
