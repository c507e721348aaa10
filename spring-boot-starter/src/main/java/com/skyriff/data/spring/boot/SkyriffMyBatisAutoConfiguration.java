package com.skyriff.data.spring.boot;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.cache.SkyriffCache;
import com.skyriff.data.mybatis.SkyriffMyBatis;
import org.apache.ibatis.session.SqlSessionFactory;
import org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration;
import org.mybatis.spring.mapper.MapperFactoryBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The layer's MyBatis features on the mappers mybatis-spring-boot-starter scans: its {@code SqlSessionFactory} (and
 * so {@code mybatis.*} properties, XML mappers, type handlers, interceptor beans) is used as is; the starter adds the
 * {@code @PrimaryOnly} interceptor to its configuration and turns every scanned {@code MapperFactoryBean} into a
 * {@link SkyriffMapperFactoryBean}, whose mapper adds {@code @Cached} and {@code @Invalidates} around
 * mybatis-spring's own (Spring's sessions and transactions unchanged).
 *
 * <p>Why a factory-bean swap and not a {@code ConfigurationCustomizer} or an interceptor alone: an interceptor sees
 * statements, not mapper methods with their annotations and arguments (cache ids), and a customizer runs before the
 * scanned mappers are known.
 */
@AutoConfiguration(after = {SkyriffDataAutoConfiguration.class, MybatisAutoConfiguration.class})
@ConditionalOnClass({SqlSessionFactory.class, MapperFactoryBean.class, MybatisAutoConfiguration.class})
@ConditionalOnBean(SkyriffData.class)
public class SkyriffMyBatisAutoConfiguration {

    @Bean
    static MapperBeans skyriffMapperBeans() {
        return new MapperBeans();
    }

    @Bean(name = MapperBeans.MYBATIS_BEAN)
    @ConditionalOnBean(SqlSessionFactory.class)
    @ConditionalOnMissingBean(SkyriffMyBatis.class)
    public SkyriffMyBatis skyriffMyBatis(SkyriffData data, SqlSessionFactory factory, MapperBeans.MapperTypes types,
                                         ObjectProvider<SkyriffCache> cache) {
        SkyriffMyBatis.Builder b = SkyriffMyBatis.builder(data);
        types.types().forEach(b::mapper);
        cache.ifAvailable(b::cache);
        return b.buildOver(factory);
    }
}
