package com.skyriff.data.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.rules.RulesException;
import com.skyriff.data.spring.boot.app.TestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A bad rules file fails the application's startup with the layer's messages, printed by the failure analyzer. */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureIT {
    static final String PROBLEMS = "bad.yaml: 2 problems";

    static SpringApplicationBuilder app(String rules) {
        return new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
                .properties("skyriff.data.rules=" + rules, "spring.main.banner-mode=off");
    }

    @Test
    void startup_badRulesFile_failsWithEveryProblemOfTheFile(CapturedOutput output) {
        assertThatThrownBy(() -> app("classpath:rules/bad.yaml").run())
                .hasRootCauseInstanceOf(RulesException.class)
                .rootCause().hasMessageContaining(PROBLEMS)
                .hasMessageContaining("bad.yaml:4: shards[0].primary.password: ${skyriff.test.not-set} is not set in"
                        + " the environment")
                .hasMessageContaining("bad.yaml:6: tables.users.strategy must be one of");
        assertThat(output.getOut() + output.getErr()).as("what Boot prints")
                .contains("APPLICATION FAILED TO START")
                .contains("SkyRiff Data could not use its rules (skyriff.data.rules):")
                .contains(PROBLEMS)
                .contains("tables.users.strategy must be one of")
                .as("no stack of bean errors: the analyzer's report replaces it")
                .doesNotContain("\tat org.springframework.beans.factory");
    }

    @Test
    void startup_placeholderFromSpringProperty_resolvedByTheEnvironment(CapturedOutput output) {
        // the password placeholder now resolves from a Spring property: only the strategy problem remains
        assertThatThrownBy(() -> app("classpath:rules/bad.yaml").properties("skyriff.test.not-set=from-spring").run())
                .rootCause().isInstanceOf(RulesException.class)
                .hasMessageContaining("bad.yaml: 1 problem")
                .hasMessageNotContaining("is not set in the environment");
    }

    @Test
    void startup_missingRulesFile_failsNamingTheProperty(CapturedOutput output) {
        assertThatThrownBy(() -> app("classpath:rules/nope.yaml").run())
                .rootCause().isInstanceOf(RulesException.class)
                .hasMessageContaining("skyriff.data.rules: no such rules file; was 'classpath:rules/nope.yaml',"
                        + " expected a readable classpath: resource or file");
        assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
                .contains("no such rules file");
    }

    @Test
    void startup_unreachablePrimary_failsWithTheLayersMessageNoSecret(CapturedOutput output) {
        assertThatThrownBy(() -> app("classpath:rules/unreachable.yaml").run())
                .hasRootCauseInstanceOf(java.net.ConnectException.class);
        String printed = output.getOut() + output.getErr();
        assertThat(printed).contains("APPLICATION FAILED TO START").contains("SkyRiff Data could not start: ")
                .contains("skyriff - ShardingSphere failed to start: Connection refused").doesNotContain("hunter2");
    }
}
