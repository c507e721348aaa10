package com.skyriff.data.spring.boot;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The connection of a replica-mode {@code @Transactional(readOnly = true)} transaction: in autocommit (so each
 * statement reads a replica), a write would commit at once and survive a later rollback; it is refused instead, before
 * it runs, with SQLState 25006 (read_only_sql_transaction). Which statements are reads is the layer's own
 * classification from ShardingSphere's parse tree ({@link com.skyriff.data.SkyriffData#readsOnly}): a SELECT without
 * {@code FOR UPDATE/SHARE} or a data-modifying {@code WITH}, a {@code SHOW}, or an {@code EXPLAIN} without
 * {@code ANALYZE} of such a SELECT; anything else is refused. A reflective proxy, but only on the connections of those
 * transactions, never on the layer's statement path. Not thread-safe (a JDBC connection).
 */
final class ReadOnlyStatements implements InvocationHandler {
    static final String SQL_STATE = "25006";
    private static final Set<String> CHECKED = Set.of("prepareStatement", "prepareCall", "execute", "executeQuery",
            "executeUpdate", "executeLargeUpdate", "addBatch", "nativeSQL");
    private final Object target;
    private final Predicate<String> reads;

    private ReadOnlyStatements(Object target, Predicate<String> reads) {
        this.target = target;
        this.reads = reads;
    }

    static Connection wrap(Connection c, Predicate<String> reads) {
        return (Connection) Proxy.newProxyInstance(ReadOnlyStatements.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new ReadOnlyStatements(c, reads));
    }

    /** The connection the proxy forwards to (for Spring's release of the transaction's connection). */
    static Connection unwrap(Connection c) {
        return Proxy.isProxyClass(c.getClass()) && Proxy.getInvocationHandler(c) instanceof ReadOnlyStatements r
                ? (Connection) r.target : c;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (args != null && args.length > 0 && args[0] instanceof String sql && CHECKED.contains(name)
                && !name.equals("nativeSQL")) {
            check(sql, reads);
        }
        if (name.equals("equals") && args != null && args.length == 1) {
            return proxy == args[0];
        }
        if (name.equals("hashCode") && (args == null || args.length == 0)) {
            return System.identityHashCode(proxy);
        }
        try {
            Object result = method.invoke(target, args);
            if (name.equals("createStatement") && result instanceof Statement s) {
                return Proxy.newProxyInstance(ReadOnlyStatements.class.getClassLoader(),
                        new Class<?>[] {Statement.class}, new ReadOnlyStatements(s, reads));
            }
            return result;
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static void check(String sql, Predicate<String> reads) throws SQLException {
        if (!reads.test(sql)) {
            String[] words = sql.strip().split("[^A-Za-z_]+", 2);
            String first = words.length == 0 ? "" : words[0].toUpperCase(Locale.ROOT);
            throw new SQLException("@Transactional(readOnly = true): " + first + " statement refused;"
                    + " skyriff.data.read-only-transactions=replicas runs read-only transactions without a database"
                    + " transaction, so a write would commit at once; was a " + first + ", expected a read (SELECT"
                    + " without FOR UPDATE/SHARE or a data-modifying WITH, SHOW, or EXPLAIN without ANALYZE), or"
                    + " readOnly = false, or read-only-transactions=primary", SQL_STATE);
        }
    }
}
