package com.skyriff.data.spring.boot;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.cache.SkyriffCache;
import com.skyriff.data.rules.Rules;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.transaction.TransactionManager;

/**
 * The layer as Spring beans, when {@code skyriff.data.rules} is set: the {@link Rules} (read through Spring's
 * resources, placeholders resolved by the Environment, validated with the layer's messages), the {@link SkyriffData}
 * (its meters on Boot's {@link MeterRegistry}), its {@link DataSource} (so Boot's JdbcTemplate and MyBatis use it),
 * a {@link SkyriffTransactionManager}, and, when the rules have a {@code cache:} section, the {@link SkyriffCache}.
 * Every bean backs off when the application defines its own. Closing the context closes the cache (Redis), then the
 * data source and every node pool.
 */
@AutoConfiguration(before = {DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
        TransactionAutoConfiguration.class, CacheAutoConfiguration.class})
@ConditionalOnProperty(prefix = "skyriff.data", name = "enabled", havingValue = "true", matchIfMissing = true)
@ConditionalOnProperty(prefix = "skyriff.data", name = "rules")
@EnableConfigurationProperties(SkyriffDataProperties.class)
public class SkyriffDataAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public Rules skyriffRules(SkyriffDataProperties properties, ResourceLoader resources, Environment environment) {
        return RulesLoader.load(properties.getRules(), resources, environment);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public SkyriffData skyriffData(Rules rules, ObjectProvider<MeterRegistry> registry) {
        SkyriffData.Builder b = SkyriffData.builder().rules(rules);
        registry.ifAvailable(b::meterRegistry);
        return b.build();
    }

    /** The layer's data source; SkyriffData owns and closes it (hence no destroy method of its own). */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean(DataSource.class)
    public DataSource dataSource(SkyriffData data) {
        return data.dataSource();
    }

    @Bean
    @ConditionalOnMissingBean(TransactionManager.class)
    public SkyriffTransactionManager transactionManager(DataSource dataSource, SkyriffDataProperties properties,
                                                        ObjectProvider<SkyriffData> data) {
        SkyriffData layer = data.getIfAvailable();
        return layer == null ? new SkyriffTransactionManager(dataSource, properties.getReadOnlyTransactions())
                : new SkyriffTransactionManager(dataSource, properties.getReadOnlyTransactions(), layer);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.redisson.api.RedissonClient")
    @Conditional(RulesHaveCache.class)
    static class CacheConfiguration {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        public SkyriffCache skyriffCache(SkyriffData data, ObjectProvider<MeterRegistry> registry) {
            SkyriffCache.Builder b = SkyriffCache.builder(data);
            registry.ifAvailable(b::meterRegistry);
            return b.build();
        }

        @Bean
        @ConditionalOnClass(CacheManager.class)
        @ConditionalOnBean(SkyriffCache.class)
        @ConditionalOnMissingBean(CacheManager.class)
        @Conditional(SpringCacheListed.class)
        public SkyriffCacheManager cacheManager(SkyriffCache cache, SkyriffDataProperties properties) {
            return new SkyriffCacheManager(cache, properties.getSpringCache());
        }
    }

    /** The rules file has a top-level {@code cache:} section (a bad file fails later, with the layer's messages). */
    static final class RulesHaveCache implements Condition {
        private static final Pattern CACHE = Pattern.compile("(?m)^cache\\s*:");

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String location = context.getEnvironment().getProperty(RulesLoader.KEY);
            ResourceLoader resources = context.getResourceLoader();
            String text = location == null || resources == null ? null : RulesLoader.textOrNull(location, resources);
            return text != null && CACHE.matcher(text).find();
        }
    }

    /** {@code skyriff.data.spring-cache} lists at least one entity. */
    static final class SpringCacheListed implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return Binder.get(context.getEnvironment())
                    .bind("skyriff.data.spring-cache", Bindable.mapOf(String.class, String.class))
                    .map(m -> !m.isEmpty()).orElse(false);
        }
    }
}
