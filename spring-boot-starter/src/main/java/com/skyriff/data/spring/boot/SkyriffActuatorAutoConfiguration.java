package com.skyriff.data.spring.boot;

import com.skyriff.data.SkyriffData;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Actuator over the layer: the {@code skyriff} health contributor (per shard, per node) and the {@code skyriff}
 * endpoint (rules in force, node status, secrets masked). The layer's meters (HikariCP per node, node up, replica
 * lag, cache) go to Boot's {@code MeterRegistry} through {@link SkyriffDataAutoConfiguration}.
 */
@AutoConfiguration(after = SkyriffDataAutoConfiguration.class)
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(SkyriffData.class)
public class SkyriffActuatorAutoConfiguration {

    @Bean
    @ConditionalOnEnabledHealthIndicator("skyriff")
    @ConditionalOnMissingBean(name = "skyriffHealthContributor")
    public HealthContributor skyriffHealthContributor(SkyriffData data) {
        return new SkyriffHealthContributor(data);
    }

    @Bean
    @ConditionalOnAvailableEndpoint
    @ConditionalOnMissingBean
    public SkyriffEndpoint skyriffEndpoint(SkyriffData data) {
        return new SkyriffEndpoint(data);
    }
}
