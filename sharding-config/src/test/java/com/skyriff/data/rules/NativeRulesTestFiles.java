package com.skyriff.data.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The corpus' valid file as text, for tests that change one thing in it. */
final class NativeRulesTestFiles {
    private NativeRulesTestFiles() {
    }

    /** valid.yaml with its first {@code old} replaced; fails if {@code old} is not in it. */
    static String with(String old, String replacement) {
        String valid = valid();
        if (!valid.contains(old)) {
            throw new IllegalArgumentException("not in valid.yaml: " + old);
        }
        return valid.replaceFirst(java.util.regex.Pattern.quote(old), java.util.regex.Matcher.quoteReplacement(replacement));
    }

    static String valid() {
        try {
            return Files.readString(NativeRulesTest.corpus("valid.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
