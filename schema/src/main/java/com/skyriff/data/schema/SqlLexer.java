package com.skyriff.data.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Internal to SkyRiff Data (not API): may change in any release. Stateless, thread-safe.
 * <p>
 * A PostgreSQL lexer just precise enough to find identifiers: it knows string literals ({@code '..'}, {@code E'..'}
 * with backslash escapes, {@code $tag$..$tag$}), quoted identifiers, line and nested block comments, so that a name
 * inside a literal or a comment is never taken for an identifier. Splits scripts at top-level semicolons.
 */
public final class SqlLexer {
    /** What a token is. Internal to SkyRiff Data (not API); immutable, thread-safe. */
    public enum Kind { WORD, QUOTED, STRING, COMMENT, SPACE, NUMBER, SEMICOLON, OTHER }

    /**
     * One token; {@code text} is exactly the source text, so joining all tokens gives the input back. Internal to
     * SkyRiff Data (not API); immutable, thread-safe.
     */
    public record Token(Kind kind, String text) {
        boolean significant() {
            return kind != Kind.SPACE && kind != Kind.COMMENT;
        }

        /** A word or quoted identifier, as PostgreSQL resolves it (unquoted folds to lower case). */
        String identifier() {
            if (kind == Kind.WORD) {
                return text.toLowerCase(Locale.ROOT);
            }
            if (kind == Kind.QUOTED) {
                return text.substring(1, text.length() - 1).replace("\"\"", "\"");
            }
            return null;
        }

        /** Whether this is a bare word (not a quoted identifier) equal to one of {@code words}, ignoring case. */
        public boolean isWord(String... words) {
            if (kind != Kind.WORD) {
                return false;
            }
            for (String w : words) {
                if (text.equalsIgnoreCase(w)) {
                    return true;
                }
            }
            return false;
        }
    }

    private SqlLexer() {
    }

    /** The tokens of {@code sql}, covering all of it. */
    public static List<Token> tokenize(String sql) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            int start = i;
            Kind kind;
            if (Character.isWhitespace(c)) {
                while (i < n && Character.isWhitespace(sql.charAt(i))) {
                    i++;
                }
                kind = Kind.SPACE;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
                kind = Kind.COMMENT;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = blockComment(sql, i);
                kind = Kind.COMMENT;
            } else if (c == '\'') {
                i = quoted(sql, i, '\'', false);
                kind = Kind.STRING;
            } else if (c == '"') {
                i = quoted(sql, i, '"', false);
                kind = Kind.QUOTED;
            } else if (c == '$' && dollarTag(sql, i) > 0) {
                int tagEnd = dollarTag(sql, i);
                String tag = sql.substring(i, tagEnd);
                int close = sql.indexOf(tag, tagEnd);
                i = close < 0 ? n : close + tag.length();
                kind = Kind.STRING;
            } else if (isWordStart(c)) {
                while (i < n && isWordPart(sql.charAt(i))) {
                    i++;
                }
                String word = sql.substring(start, i);
                if (i < n && sql.charAt(i) == '\'' && isStringPrefix(word)) {
                    boolean escapes = word.equalsIgnoreCase("e");
                    i = quoted(sql, i, '\'', escapes);
                    kind = Kind.STRING;
                } else if (i + 1 < n && word.equalsIgnoreCase("u") && sql.charAt(i) == '&'
                        && (sql.charAt(i + 1) == '\'' || sql.charAt(i + 1) == '"')) {
                    char q = sql.charAt(i + 1);
                    i = quoted(sql, i + 1, q, false);
                    kind = q == '"' ? Kind.QUOTED : Kind.STRING;
                } else {
                    kind = Kind.WORD;
                }
            } else if (Character.isDigit(c)) {
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.' || sql.charAt(i) == '_')) {
                    i++;
                }
                kind = Kind.NUMBER;
            } else if (c == ';') {
                i++;
                kind = Kind.SEMICOLON;
            } else {
                i++;
                kind = Kind.OTHER;
            }
            out.add(new Token(kind, sql.substring(start, i)));
        }
        return out;
    }

    /**
     * The statements of a script, split at top-level semicolons, each without its semicolon and trimmed; statements
     * that are only comments or whitespace are left out. {@code BEGIN ATOMIC ... END} bodies are kept whole.
     */
    public static List<String> split(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean meaningful = false;
        int atomicDepth = 0;
        Token previous = null;
        for (Token t : tokenize(script)) {
            if (t.kind() == Kind.SEMICOLON && atomicDepth == 0) {
                if (meaningful) {
                    out.add(current.toString().trim());
                }
                current.setLength(0);
                meaningful = false;
                previous = null;
                continue;
            }
            if (t.significant()) {
                if (previous != null && previous.isWord("begin") && t.isWord("atomic")) {
                    atomicDepth++;
                } else if (atomicDepth > 0 && t.isWord("end")) {
                    atomicDepth--;
                }
                meaningful = true;
                previous = t;
            }
            current.append(t.text());
        }
        if (meaningful) {
            out.add(current.toString().trim());
        }
        return out;
    }

    private static int blockComment(String s, int i) {
        int depth = 0;
        int n = s.length();
        while (i < n) {
            if (s.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (s.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** Index just past the literal that opens at {@code i} with {@code q}; a doubled quote is an escaped quote. */
    private static int quoted(String s, int i, char q, boolean backslashEscapes) {
        int n = s.length();
        i++;
        while (i < n) {
            char c = s.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
                continue;
            }
            if (c == q) {
                if (i + 1 < n && s.charAt(i + 1) == q) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return n;
    }

    /** If a dollar-quote tag ({@code $$} or {@code $name$}) opens at {@code i}, the index just past it; else -1. */
    private static int dollarTag(String s, int i) {
        int j = i + 1;
        int n = s.length();
        if (j < n && Character.isDigit(s.charAt(j))) {
            return -1; // a positional parameter such as $1
        }
        while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
            j++;
        }
        return j < n && s.charAt(j) == '$' ? j + 1 : -1;
    }

    private static boolean isStringPrefix(String word) {
        return word.length() == 1 && "eEbBxXnN".indexOf(word.charAt(0)) >= 0;
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_' || c > 127;
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127;
    }
}
