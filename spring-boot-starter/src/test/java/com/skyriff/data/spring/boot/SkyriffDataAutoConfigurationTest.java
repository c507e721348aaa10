package com.skyriff.data.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.rules.Rules;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** When the auto-configuration backs off (no database needed: it never builds the layer here). */
class SkyriffDataAutoConfigurationTest {
    final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
            SkyriffDataAutoConfiguration.class, SkyriffMyBatisAutoConfiguration.class,
            SkyriffActuatorAutoConfiguration.class));

    @Test
    void autoConfiguration_rulesNotSet_noLayerBeans() {
        runner.run(c -> assertThat(c).hasNotFailed().doesNotHaveBean(SkyriffData.class)
                .doesNotHaveBean(DataSource.class).doesNotHaveBean(SkyriffTransactionManager.class));
    }

    @Test
    void autoConfiguration_disabled_noLayerBeans() {
        runner.withPropertyValues("skyriff.data.enabled=false", "skyriff.data.rules=classpath:rules/bad.yaml")
                .run(c -> assertThat(c).hasNotFailed().doesNotHaveBean(Rules.class).doesNotHaveBean(SkyriffData.class));
    }

    @Test
    void rulesBean_badFile_contextFailsWithTheLayersMessage() {
        runner.withPropertyValues("skyriff.data.rules=classpath:rules/bad.yaml").run(c -> assertThat(c).hasFailed()
                .getFailure().rootCause().hasMessageContaining("bad.yaml: 2 problems"));
    }

    @Test
    void properties_removedKeyRouted_contextFailsNamingTheKeyAndItsReplacement() {
        for (String value : new String[] {"true", "false"}) {
            runner.withPropertyValues("skyriff.data.rules=classpath:rules/bad.yaml", "skyriff.data.key-routed=" + value)
                    .run(c -> assertThat(c).hasFailed()
                    .getFailure().rootCause().hasMessage(SkyriffDataProperties.REMOVED_KEY_ROUTED + "; was '" + value
                            + "', expected the property unset (to send every statement through ShardingSphere, set"
                            + " single-shard-path: false in the rules file)"));
        }
    }

    @Test
    void rulesLocation_plainPath_readAsAFile() {
        runner.withPropertyValues("skyriff.data.rules=src/test/resources/rules/bad.yaml").run(c -> assertThat(c)
                .hasFailed().getFailure().rootCause().hasMessageContaining("bad.yaml: 2 problems"));
    }
}
