package com.skyriff.data.spring.boot;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.mybatis.spring.mapper.MapperFactoryBean;
import org.springframework.beans.BeansException;
import org.springframework.beans.MutablePropertyValues;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.ConstructorArgumentValues;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.util.ClassUtils;

/**
 * Runs after the mapper scanners ({@code @MapperScan}, mybatis-spring-boot's {@code @Mapper} scan, both registry
 * post-processors): turns every {@link MapperFactoryBean} definition into a {@link SkyriffMapperFactoryBean} wired to
 * the {@code skyriffMyBatis} bean, and records the mapper interfaces ({@link MapperTypes}) so the layer plans their
 * annotations once, for all mappers together (an entity's cache codec is fixed by its {@code @Cached} finds).
 */
final class MapperBeans implements BeanFactoryPostProcessor {
    static final String MYBATIS_BEAN = "skyriffMyBatis";
    static final String TYPES_BEAN = "skyriffMapperTypes";

    /** The mapper interfaces the application context holds beans for. */
    record MapperTypes(List<Class<?>> types) {
        MapperTypes {
            types = List.copyOf(types);
        }
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory factory) throws BeansException {
        Set<Class<?>> types = new LinkedHashSet<>();
        for (String name : factory.getBeanDefinitionNames()) {
            BeanDefinition d = factory.getBeanDefinition(name);
            if (!MapperFactoryBean.class.getName().equals(d.getBeanClassName())) {
                continue;
            }
            Class<?> type = mapperInterface(d, factory.getBeanClassLoader());
            if (type == null) {
                continue;
            }
            types.add(type);
            d.setBeanClassName(SkyriffMapperFactoryBean.class.getName());
            if (d instanceof AbstractBeanDefinition a) {
                a.setBeanClass(SkyriffMapperFactoryBean.class);
            }
            MutablePropertyValues pv = d.getPropertyValues();
            pv.add("skyriffMyBatis", new RuntimeBeanReference(MYBATIS_BEAN));
        }
        if (factory instanceof BeanDefinitionRegistry registry && !registry.containsBeanDefinition(TYPES_BEAN)) {
            RootBeanDefinition holder = new RootBeanDefinition(MapperTypes.class);
            holder.getConstructorArgumentValues().addGenericArgumentValue(new ArrayList<>(types));
            registry.registerBeanDefinition(TYPES_BEAN, holder);
        }
    }

    private static Class<?> mapperInterface(BeanDefinition d, ClassLoader loader) {
        Object value = d.getPropertyValues().get("mapperInterface");
        if (value == null) {
            ConstructorArgumentValues.ValueHolder arg = d.getConstructorArgumentValues()
                    .getGenericArgumentValue(Object.class);
            if (arg == null) {
                arg = d.getConstructorArgumentValues().getIndexedArgumentValue(0, null);
            }
            value = arg == null ? null : arg.getValue();
        }
        if (value instanceof Class<?> c) {
            return c;
        }
        if (value instanceof String s) {
            return ClassUtils.resolveClassName(s, loader);
        }
        return null;
    }
}
