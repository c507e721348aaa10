package com.skyriff.data.rules;

/**
 * One problem of a rules file as a value, for tools (the CLI's {@code validate --json}); {@link #message()} is the
 * rendered text, as in {@link RulesException#problems()}. Immutable, thread-safe.
 *
 * @param file     the rules source as named in messages (usually the file name)
 * @param line     the 1-based line of the key in the file; null when not known
 * @param key      the key path as the user wrote it, e.g. {@code shards[0].buckets}; null for the file as a whole
 * @param value    the offending value as written; null when there is none (a missing key)
 * @param expected what is allowed instead; null when the message says it in words
 * @param message  {@code <file>:<line>: <key> <what is wrong>; was <value>, expected <allowed>}
 */
public record RulesProblem(String file, Integer line, String key, String value, String expected, String message) {
    /** Credentials in the value or message are masked ({@link Secret#mask(String)}). */
    public RulesProblem {
        value = Secret.mask(value);
        message = Secret.mask(message);
    }
}
