package com.skyriff.data.spring.boot;

import com.skyriff.data.rules.RulesException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Prints the layer's own message when the rules named by {@code skyriff.data.rules} cannot be used, in place of
 * Boot's stack of bean-creation errors: every problem of the file, each as {@code file:line: key ...}.
 */
final class RulesFailureAnalyzer extends AbstractFailureAnalyzer<RulesException> {

    @Override
    protected FailureAnalysis analyze(Throwable root, RulesException cause) {
        return new FailureAnalysis("SkyRiff Data could not use its rules (" + RulesLoader.KEY + "):"
                + System.lineSeparator() + cause.getMessage(),
                "Fix each problem listed above in the rules file. ${name} placeholders in it are resolved through"
                        + " Spring's Environment (application properties, environment variables, system properties,"
                        + " config servers); run `bin/skyriff validate <file>` to check a file without starting"
                        + " the service.", cause);
    }
}
