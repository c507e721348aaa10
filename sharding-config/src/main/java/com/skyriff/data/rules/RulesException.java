package com.skyriff.data.rules;

import java.util.List;

/**
 * Rules that cannot be used, with every problem found (not only the first). Each problem reads
 * {@code <where>: <key> <what is wrong>; was <value>, expected <allowed>}.
 */
public final class RulesException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public RulesException(String source, List<String> problems) {
        super(render(source, problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem on its own, as rendered in the message. */
    public List<String> problems() {
        return problems;
    }

    private static String render(String source, List<String> problems) {
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(": ").append(problems.size()).append(problems.size() == 1 ? " problem" : " problems");
        for (String p : problems) {
            sb.append(System.lineSeparator()).append("  ").append(p);
        }
        return sb.toString();
    }
}
