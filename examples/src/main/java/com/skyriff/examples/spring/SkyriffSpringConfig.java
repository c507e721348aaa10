package com.skyriff.examples.spring;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.mybatis.SkyriffMyBatis;
import com.skyriff.data.rules.Rules;
import com.skyriff.examples.service.Mappers;
import javax.sql.DataSource;
import org.apache.ibatis.session.SqlSessionFactory;
import org.mybatis.spring.SqlSessionFactoryBean;
import org.mybatis.spring.mapper.MapperFactoryBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;

/**
 * The Spring wiring a service team copies: the layer's data source under mybatis-spring and Spring's transaction
 * manager. {@code @Transactional} methods run on the shard primaries (the manager turns autocommit off); mapper calls
 * outside a transaction read the replicas; {@code @PrimaryOnly} mapper methods read the primaries. data-core itself
 * does not depend on Spring. The service provides a {@link Rules} bean (from {@code RulesReader.read(path)}).
 */
@Configuration
@EnableTransactionManagement
public class SkyriffSpringConfig {

    @Bean(destroyMethod = "close")
    public SkyriffData skyriffData(Rules rules) {
        return SkyriffData.builder().rules(rules).build();
    }

    @Bean
    public DataSource dataSource(SkyriffData data) {
        return data.dataSource();
    }

    @Bean
    public PlatformTransactionManager transactionManager(DataSource dataSource) {
        return new DataSourceTransactionManager(dataSource);
    }

    @Bean
    public SqlSessionFactory sqlSessionFactory(DataSource dataSource) throws Exception {
        SqlSessionFactoryBean factory = new SqlSessionFactoryBean();
        factory.setDataSource(dataSource);
        factory.setPlugins(SkyriffMyBatis.primaryOnlyPlugin(Mappers.all().toArray(Class<?>[]::new)));
        org.apache.ibatis.session.Configuration cfg = new org.apache.ibatis.session.Configuration();
        cfg.setMapUnderscoreToCamelCase(true);
        Mappers.all().forEach(cfg::addMapper);
        factory.setConfiguration(cfg);
        return factory.getObject();
    }

    @Bean
    public MapperFactoryBean<Mappers.UserMapper> userMapper(SqlSessionFactory factory) {
        MapperFactoryBean<Mappers.UserMapper> bean = new MapperFactoryBean<>(Mappers.UserMapper.class);
        bean.setSqlSessionFactory(factory);
        return bean;
    }

    @Bean
    public MapperFactoryBean<Mappers.WalletMapper> walletMapper(SqlSessionFactory factory) {
        MapperFactoryBean<Mappers.WalletMapper> bean = new MapperFactoryBean<>(Mappers.WalletMapper.class);
        bean.setSqlSessionFactory(factory);
        return bean;
    }

    @Bean
    public SpringWallets springWallets(Mappers.WalletMapper wallets) {
        return new SpringWallets(wallets);
    }
}
