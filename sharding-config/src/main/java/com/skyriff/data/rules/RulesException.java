package com.skyriff.data.rules;

import java.util.List;

/**
 * Rules that cannot be used, with every problem found (not only the first). Each problem reads
 * {@code <where>: <key> <what is wrong>; was <value>, expected <allowed>}; credentials quoted in a value are masked
 * ({@link Secret#mask(String)}).
 */
public final class RulesException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;
    private final List<RulesProblem> details;

    public RulesException(String source, List<String> problems) {
        this(source, problems, problems.stream().map(p -> new RulesProblem(source, null, null, null, null, p)).toList());
    }

    private RulesException(String source, List<String> problems, List<RulesProblem> details) {
        super(render(source, masked(problems)));
        this.problems = masked(problems);
        this.details = List.copyOf(details);
    }

    /** Structured problems (file, line, key, value, expected, message), in the order of {@link #problems()}. */
    static RulesException of(String source, List<RulesProblem> details) {
        return new RulesException(source, details.stream().map(RulesProblem::message).toList(), details);
    }

    /** Each problem on its own, as rendered in the message. */
    public List<String> problems() {
        return problems;
    }

    /** Each problem as a value: where it is (file, line, key), the value found, what is expected, and its message. */
    public List<RulesProblem> details() {
        return details;
    }

    private static List<String> masked(List<String> problems) {
        return problems.stream().map(Secret::mask).toList();
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
