package com.skyriff.data.mybatis;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.StatementRoute;
import com.skyriff.data.Tx;
import com.skyriff.data.cache.CacheCodec;
import com.skyriff.data.cache.EntityCache;
import com.skyriff.data.cache.SkyriffCache;
import java.sql.Connection;
import java.sql.SQLException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.mapping.BoundSql;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.mapping.ParameterMapping;
import org.apache.ibatis.reflection.MetaObject;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.Transaction;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;

/**
 * MyBatis over the sharded data source with the library's semantics: a mapper call outside a transaction runs in its
 * own autocommit session (reads go to replicas, writes to primaries); {@link #inTransaction} runs a block in one
 * transaction pinned to the primaries; methods marked {@link PrimaryOnly} always read the primaries. A statement whose
 * user id puts it on one shard takes the data source's single-shard path by itself (one physical statement on one
 * node; {@link #route} says which path a mapped statement takes). Thread-safe.
 *
 * <pre>{@code
 * SkyriffMyBatis mybatis = SkyriffMyBatis.builder(data).mapper(UserMapper.class).build();
 * UserMapper users = mybatis.mapper(UserMapper.class);        // thread-safe, reuse it
 * users.findById(42L);                                       // a replica
 * mybatis.inTransaction(session -> session.getMapper(UserMapper.class).rename(42L, "ada"));  // the primary
 * }</pre>
 */
public final class SkyriffMyBatis {
    private static final ThreadLocal<SqlSession> SESSION = new ThreadLocal<>();

    private final SkyriffData data;
    private final SqlSessionFactory factory;
    private final Set<String> primaryOnly;
    private final Map<Method, CachePlan> cachePlans;
    /** Sessions managed elsewhere (mybatis-spring): mappers wrap the caller's mapper, see {@link #mapper(Class, Object)}. */
    private final boolean external;

    private SkyriffMyBatis(SkyriffData data, SqlSessionFactory factory, Set<String> primaryOnly,
                           Map<Method, CachePlan> cachePlans, boolean external) {
        this.data = data;
        this.external = external;
        this.cachePlans = Map.copyOf(cachePlans);
        this.factory = factory;
        this.primaryOnly = Set.copyOf(primaryOnly);
    }

    public static Builder builder(SkyriffData data) {
        return new Builder(data);
    }

    /** The underlying factory; {@code openSession(true)} reads replicas, {@code openSession()} is a transaction. */
    public SqlSessionFactory sqlSessionFactory() {
        return factory;
    }

    /**
     * The MyBatis plugin that runs the {@link PrimaryOnly} methods of these mappers on the primaries, for a
     * {@code SqlSessionFactory} built elsewhere (e.g. mybatis-spring's {@code SqlSessionFactoryBean.setPlugins}).
     */
    public static Interceptor primaryOnlyPlugin(Class<?>... mappers) {
        Set<String> ids = new HashSet<>();
        for (Class<?> m : mappers) {
            ids.addAll(primaryOnlyIds(m));
        }
        return new PrimaryOnlyInterceptor(ids);
    }

    static Set<String> primaryOnlyIds(Class<?> mapper) {
        Set<String> ids = new HashSet<>();
        for (Method method : mapper.getMethods()) {
            if (method.isAnnotationPresent(PrimaryOnly.class)) {
                ids.add(mapper.getName() + "." + method.getName());
            }
        }
        return ids;
    }

    /** Statement ids that always run on the primaries. */
    public Set<String> primaryOnlyStatements() {
        return primaryOnly;
    }

    /**
     * The path a mapped statement takes with these arguments, as {@link SkyriffData#route} decides it for the SQL
     * MyBatis binds: the single-shard path and its shard, ShardingSphere and why, or the refusal. For tests and
     * diagnostics that assert a mapper method runs on one node; it runs nothing.
     *
     * @param statementId e.g. {@code com.example.UserMapper.findById}
     * @param parameter   the parameter object as MyBatis gets it: the single argument, or a {@code Map} of the
     *                    {@code @Param} names to their values
     * @throws IllegalArgumentException if no mapped statement has that id
     */
    public StatementRoute route(String statementId, Object parameter) {
        Configuration cfg = factory.getConfiguration();
        if (!cfg.hasStatement(statementId, false)) {
            throw new IllegalArgumentException("route: " + statementId + " names no mapped statement");
        }
        MappedStatement ms = cfg.getMappedStatement(statementId, false);
        BoundSql bound = ms.getBoundSql(parameter);
        List<ParameterMapping> mappings = bound.getParameterMappings();
        Object[] params = new Object[mappings.size()];
        MetaObject meta = null;
        for (int i = 0; i < params.length; i++) {
            String property = mappings.get(i).getProperty();
            if (bound.hasAdditionalParameter(property)) {
                params[i] = bound.getAdditionalParameter(property);
            } else if (parameter == null) {
                params[i] = null;
            } else if (cfg.getTypeHandlerRegistry().hasTypeHandler(parameter.getClass())) {
                params[i] = parameter;
            } else {
                meta = meta != null ? meta : cfg.newMetaObject(parameter);
                params[i] = meta.getValue(property);
            }
        }
        return data.route(bound.getSql(), params);
    }

    /**
     * A thread-safe mapper: each call joins the calling thread's {@link #inTransaction} block if there is one, and
     * otherwise runs in its own autocommit session.
     */
    public <T> T mapper(Class<T> type) {
        if (external) {
            throw new IllegalStateException("mapper(" + type.getSimpleName() + "): this SkyriffMyBatis was built over a"
                    + " factory whose sessions are managed elsewhere (buildOver); use mapper(type, delegate)");
        }
        if (!factory.getConfiguration().hasMapper(type)) {
            throw new IllegalArgumentException("mapper " + type.getName() + " is not registered; add it with "
                    + "SkyriffMyBatis.builder(data).mapper(" + type.getSimpleName() + ".class)");
        }
        InvocationHandler handler = new MapperCall<>(type, null);
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /**
     * Wraps a mapper whose sessions and transactions are managed elsewhere (mybatis-spring's {@code MapperFactoryBean}
     * over a {@link #buildOver} factory) with the layer's {@link Cached} and {@link Invalidates} behaviour: a call
     * that neither applies to goes to {@code delegate} unchanged. {@link PrimaryOnly} is the configuration's
     * interceptor and needs no wrapping. Transactions are seen through {@link Tx} (the manager must
     * {@link Tx#attach} its transactions). Thread-safe if the delegate is.
     */
    public <T> T mapper(Class<T> type, T delegate) {
        Objects.requireNonNull(delegate, "delegate");
        if (!factory.getConfiguration().hasMapper(type)) {
            throw new IllegalArgumentException("mapper " + type.getName() + " is not registered; add it with "
                    + "SkyriffMyBatis.builder(data).mapper(" + type.getSimpleName() + ".class)");
        }
        if (cachePlans.keySet().stream().noneMatch(m -> m.getDeclaringClass().isAssignableFrom(type))) {
            return delegate;  // nothing to add: no proxy on the call path
        }
        InvocationHandler handler = new MapperCall<>(type, delegate);
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /** Runs {@code work} in an autocommit session: reads go to replicas. */
    public <R> R read(Function<SqlSession, R> work) {
        try (SqlSession session = factory.openSession(true)) {
            return work.apply(session);
        }
    }

    /**
     * Runs {@code work} in one transaction on the primaries and commits it; rolls back if it throws. It is a
     * {@link Tx} of the data source: nested calls, and {@code data.inTransaction} blocks around it, share one
     * transaction, and actions registered with {@link #afterCommit} (or {@link Tx#afterCommit}) run after a successful
     * commit only.
     */
    public <R> R inTransaction(Function<SqlSession, R> work) {
        if (external) {
            throw new IllegalStateException("inTransaction: this SkyriffMyBatis was built over a factory whose"
                    + " transactions are managed elsewhere (buildOver); use that manager (e.g. @Transactional)");
        }
        SqlSession outer = SESSION.get();
        if (outer != null) {
            return work.apply(outer);
        }
        try {
            return data.inTransaction(tx -> {
                try (SqlSession session = factory.openSession(tx.connection())) {
                    SESSION.set(session);
                    return work.apply(session);
                } finally {
                    SESSION.remove();
                }
            });
        } catch (SQLException e) {
            throw new PersistenceException("transaction failed: " + e.getMessage(), e);
        }
    }

    /**
     * Registers an action to run after the calling thread's current transaction commits (dropped on rollback); outside
     * a transaction it runs at once, since an autocommit write has already committed.
     */
    public static void afterCommit(Runnable action) {
        Objects.requireNonNull(action, "action");
        Tx.current().ifPresentOrElse(tx -> tx.afterCommit(action), action);
    }

    /** Whether the calling thread is inside a transaction of the layer. */
    public static boolean inTransaction() {
        return Tx.isActive();
    }

    /**
     * Transactions on a connection handed in by {@link Tx} are owned by the Tx (it commits, rolls back and closes);
     * sessions opened on the data source are plain JDBC transactions.
     */
    private static final class TxAwareTransactionFactory extends JdbcTransactionFactory {
        @Override
        public Transaction newTransaction(Connection conn) {
            return new Transaction() {
                @Override
                public Connection getConnection() {
                    return conn;
                }

                @Override
                public void commit() {
                    // the enclosing Tx commits
                }

                @Override
                public void rollback() {
                    // the enclosing Tx rolls back
                }

                @Override
                public void close() {
                    // the enclosing Tx closes its connection
                }

                @Override
                public Integer getTimeout() {
                    return null;
                }
            };
        }
    }

    /** What the mapper proxy does around a {@link Cached} or {@link Invalidates} method; decided at build time. */
    private record CachePlan(EntityCache<Object, Object> cache, boolean read, int idArg) {
        Object call(MapperCall<?> mapper, Method method, Object[] args) throws Throwable {
            Object id = args[idArg];
            if (read) {
                try {
                    return cache.get(id, key -> {
                        try {
                            return mapper.direct(method, args);
                        } catch (RuntimeException | Error e) {
                            throw e;
                        } catch (Throwable e) {
                            throw new PersistenceException(e);
                        }
                    });
                } catch (PersistenceException e) {
                    throw e.getCause() != null && !(e.getCause() instanceof RuntimeException) ? e.getCause() : e;
                }
            }
            Object result = mapper.direct(method, args);
            cache.invalidateAfterCommit(id);
            return result;
        }
    }

    private final class MapperCall<T> implements InvocationHandler {
        private final Class<T> type;
        private final T delegate;

        MapperCall(Class<T> type, T delegate) {
            this.type = type;
            this.delegate = delegate;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "toString" -> "SkyriffMyBatis mapper " + type.getName();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                };
            }
            CachePlan plan = cachePlans.get(method);
            if (plan != null) {
                return plan.call(this, method, args);
            }
            return direct(method, args);
        }

        Object direct(Method method, Object[] args) throws Throwable {
            if (delegate != null) {
                return external(method, args);
            }
            try {
                SqlSession joined = SESSION.get();
                if (joined != null) {
                    return method.invoke(joined.getMapper(type), args);
                }
                if (Tx.isActive()) {
                    try (SqlSession session = factory.openSession(Tx.current().orElseThrow().connection())) {
                        return method.invoke(session.getMapper(type), args);
                    }
                }
                try (SqlSession session = factory.openSession(true)) {
                    return method.invoke(session.getMapper(type), args);
                }
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private Object external(Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    /** Collects mappers and settings. Not thread-safe. */
    public static final class Builder {
        private final SkyriffData data;
        private final Set<Class<?>> mappers = new LinkedHashSet<>();
        private final Set<String> primaryOnly = new HashSet<>();
        private final List<Consumer<Configuration>> customizers = new ArrayList<>();
        private SkyriffCache cache;

        private Builder(SkyriffData data) {
            this.data = Objects.requireNonNull(data, "data");
        }

        public Builder mapper(Class<?> type) {
            mappers.add(type);
            return this;
        }

        /**
         * The cache that backs {@link Cached} finds and {@link Invalidates} writes. Without one those annotations do
         * nothing, so the same mappers run on rules with and without a {@code cache:} section.
         */
        public Builder cache(SkyriffCache value) {
            this.cache = Objects.requireNonNull(value, "cache");
            return this;
        }

        /** Marks a statement (e.g. an XML mapper's {@code com.example.UserMapper.findFresh}) primary-only. */
        public Builder primaryOnly(String statementId) {
            primaryOnly.add(statementId);
            return this;
        }

        /** Adjusts the MyBatis configuration (type handlers, settings, XML mappers) before the factory is built. */
        public Builder configure(Consumer<Configuration> customizer) {
            customizers.add(customizer);
            return this;
        }

        public SkyriffMyBatis build() {
            Environment env = new Environment("skyriff", new TxAwareTransactionFactory(), data.dataSource());
            Configuration cfg = new Configuration(env);
            cfg.setMapUnderscoreToCamelCase(true);
            // generated keys come from ShardingSphere's key generator; RETURNING through execute() is not supported
            cfg.setUseGeneratedKeys(false);
            return finish(cfg, null);
        }

        /**
         * The layer's features over a factory built elsewhere whose data source is {@code data.dataSource()} (e.g. by
         * mybatis-spring-boot-starter): registers the mappers in its configuration where missing, adds the
         * {@link PrimaryOnly} interceptor to it and plans the {@link Cached}/{@link Invalidates} methods; wrap each mapper the other framework builds with {@link SkyriffMyBatis#mapper(Class, Object)}.
         * Its own {@code mapper(Class)} and {@code inTransaction} are not available: the other framework owns sessions
         * and transactions.
         */
        public SkyriffMyBatis buildOver(SqlSessionFactory external) {
            Objects.requireNonNull(external, "external");
            return finish(external.getConfiguration(), external);
        }

        private SkyriffMyBatis finish(Configuration cfg, SqlSessionFactory external) {
            for (Class<?> m : mappers) {
                if (!cfg.hasMapper(m)) {
                    cfg.addMapper(m);
                }
                primaryOnly.addAll(primaryOnlyIds(m));
            }
            customizers.forEach(c -> c.accept(cfg));
            for (String id : primaryOnly) {
                if (!cfg.hasStatement(id, false)) {
                    throw new IllegalArgumentException("primaryOnly: " + id + " names no mapped statement");
                }
            }
            cfg.addInterceptor(new PrimaryOnlyInterceptor(primaryOnly));
            Map<Method, CachePlan> plans = new HashMap<>();
            if (cache != null) {
                Map<String, EntityCache<Object, Object>> byEntity = new HashMap<>();
                for (boolean reads : new boolean[] {true, false}) {  // finds first: they fix each entity's codec
                    for (Class<?> m : mappers) {
                        for (Method method : m.getMethods()) {
                            plan(method, reads, byEntity).ifPresent(p -> plans.put(method, p));
                        }
                    }
                }
            }
            SqlSessionFactory factory = external != null ? external : new SqlSessionFactoryBuilder().build(cfg);
            return new SkyriffMyBatis(data, factory, primaryOnly, plans, external != null);
        }

        @SuppressWarnings("unchecked")
        private java.util.Optional<CachePlan> plan(Method method, boolean reads,
                                                   Map<String, EntityCache<Object, Object>> byEntity) {
            String where = method.getDeclaringClass().getSimpleName() + "." + method.getName();
            Cached cached = method.getAnnotation(Cached.class);
            Invalidates invalidates = method.getAnnotation(Invalidates.class);
            if (cached != null && invalidates != null) {
                throw new IllegalArgumentException(where + ": @Cached and @Invalidates exclude each other");
            }
            if (cached != null && reads) {
                if (method.getParameterCount() != 1) {
                    throw new IllegalArgumentException(where + ": @Cached needs exactly one argument, the id; has "
                            + method.getParameterCount());
                }
                EntityCache<Object, Object> c = byEntity.computeIfAbsent(cached.entity(), e -> cache.entity(e,
                        (CacheCodec<Object>) CacheCodec.json(method.getReturnType())));
                return java.util.Optional.of(new CachePlan(c, true, 0));
            }
            if (invalidates != null && !reads) {
                int idArg = invalidates.id().isEmpty() ? 0
                        : paramIndex(method, invalidates.id(), where, "@Invalidates(id = \"" + invalidates.id() + "\")");
                if (method.getParameterCount() == 0) {
                    throw new IllegalArgumentException(where + ": @Invalidates needs the id among its arguments");
                }
                EntityCache<Object, Object> c = byEntity.computeIfAbsent(invalidates.entity(), e -> cache.entity(e,
                        (CacheCodec<Object>) CacheCodec.json(Object.class)));
                return java.util.Optional.of(new CachePlan(c, false, idArg));
            }
            return java.util.Optional.empty();
        }

        private static int paramIndex(Method method, String name, String where, String key) {
            java.lang.reflect.Parameter[] params = method.getParameters();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < params.length; i++) {
                Param p = params[i].getAnnotation(Param.class);
                if (p != null) {
                    names.add(p.value());
                    if (p.value().equals(name)) {
                        return i;
                    }
                }
            }
            throw new IllegalArgumentException(where + ": " + key + " names no @Param; expected one of " + names);
        }
    }
}
