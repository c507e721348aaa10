package com.skyriff.data.mybatis;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.Tx;
import java.sql.Connection;
import java.sql.SQLException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.mapping.Environment;
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
 * transaction pinned to the primaries; methods marked {@link PrimaryOnly} always read the primaries. Thread-safe.
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

    private SkyriffMyBatis(SkyriffData data, SqlSessionFactory factory, Set<String> primaryOnly) {
        this.data = data;
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
     * A thread-safe mapper: each call joins the calling thread's {@link #inTransaction} block if there is one, and
     * otherwise runs in its own autocommit session.
     */
    public <T> T mapper(Class<T> type) {
        if (!factory.getConfiguration().hasMapper(type)) {
            throw new IllegalArgumentException("mapper " + type.getName() + " is not registered; add it with "
                    + "SkyriffMyBatis.builder(data).mapper(" + type.getSimpleName() + ".class)");
        }
        InvocationHandler handler = new MapperCall<>(type);
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

    private final class MapperCall<T> implements InvocationHandler {
        private final Class<T> type;

        MapperCall(Class<T> type) {
            this.type = type;
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
    }

    /** Collects mappers and settings. Not thread-safe. */
    public static final class Builder {
        private final SkyriffData data;
        private final Set<Class<?>> mappers = new LinkedHashSet<>();
        private final Set<String> primaryOnly = new HashSet<>();
        private final List<Consumer<Configuration>> customizers = new ArrayList<>();

        private Builder(SkyriffData data) {
            this.data = Objects.requireNonNull(data, "data");
        }

        public Builder mapper(Class<?> type) {
            mappers.add(type);
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
            for (Class<?> m : mappers) {
                cfg.addMapper(m);
                primaryOnly.addAll(primaryOnlyIds(m));
            }
            customizers.forEach(c -> c.accept(cfg));
            for (String id : primaryOnly) {
                if (!cfg.hasStatement(id, false)) {
                    throw new IllegalArgumentException("primaryOnly: " + id + " names no mapped statement");
                }
            }
            cfg.addInterceptor(new PrimaryOnlyInterceptor(primaryOnly));
            return new SkyriffMyBatis(data, new SqlSessionFactoryBuilder().build(cfg), primaryOnly);
        }
    }
}
