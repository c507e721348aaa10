package com.skyriff.data.spring.boot;

import com.skyriff.data.mybatis.SkyriffMyBatis;
import org.mybatis.spring.mapper.MapperFactoryBean;

/**
 * mybatis-spring's {@link MapperFactoryBean} whose mapper carries the layer's features: the scanned mapper (Spring's
 * session and transaction handling unchanged) wrapped by {@link SkyriffMyBatis#mapper(Class, Object)} for
 * {@code @Cached} and {@code @Invalidates}; {@code @PrimaryOnly} is an interceptor of the configuration. The starter puts this class on every mapper bean definition the scanners made. Thread-safe once
 * initialised.
 *
 * @param <T> the mapper interface
 */
public class SkyriffMapperFactoryBean<T> extends MapperFactoryBean<T> {
    private SkyriffMyBatis skyriffMyBatis;

    public SkyriffMapperFactoryBean() {
    }

    public SkyriffMapperFactoryBean(Class<T> mapperInterface) {
        super(mapperInterface);
    }

    public void setSkyriffMyBatis(SkyriffMyBatis value) {
        this.skyriffMyBatis = value;
    }

    @Override
    public T getObject() throws Exception {
        T mapper = super.getObject();
        return skyriffMyBatis == null ? mapper : skyriffMyBatis.mapper(getMapperInterface(), mapper);
    }
}
