package com.skyriff.data.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that resolves a {@link LocalTopology} parameter of a test, constructor or {@code @BeforeAll}
 * method with {@link LocalTopology#shared()}, started on first use and stopped when the JVM exits. Stateless,
 * thread-safe.
 *
 * <pre>{@code
 * @ExtendWith(TopologyExtension.class)
 * class OrderRepositoryTest {
 *     static TestDatabase db;
 *
 *     @BeforeAll
 *     static void createDatabase(LocalTopology topology) {
 *         db = topology.createDatabase("order_repository_test");
 *     }
 * }
 * }</pre>
 */
public final class TopologyExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalTopology.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return LocalTopology.shared();
    }
}
