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

/**
 * The connection of a replica-mode {@code @Transactional(readOnly = true)} transaction: in autocommit (so each
 * statement reads a replica), a write would commit at once and survive a later rollback; it is refused instead, before
 * it runs, with SQLState 25006 (read_only_sql_transaction). A statement passes when its first keyword is
 * {@code SELECT}, {@code SHOW}, {@code VALUES}, {@code TABLE} or {@code EXPLAIN} (without {@code ANALYZE}), or
 * {@code WITH} without a data-modifying word; anything else is refused. A reflective proxy, but only on the
 * connections of those transactions, never on the layer's statement path. Not thread-safe (a JDBC connection).
 */
final class ReadOnlyStatements implements InvocationHandler {
    static final String SQL_STATE = "25006";
    private static final Set<String> READS = Set.of("select", "show", "values", "table", "explain", "with");
    private static final Set<String> WRITE_WORDS = Set.of("insert", "update", "delete", "merge", "analyze", "copy",
            "call", "truncate", "create", "drop", "alter", "grant", "revoke", "lock");
    private static final Set<String> CHECKED = Set.of("prepareStatement", "prepareCall", "execute", "executeQuery",
            "executeUpdate", "executeLargeUpdate", "addBatch", "nativeSQL");
    private final Object target;

    private ReadOnlyStatements(Object target) {
        this.target = target;
    }

    static Connection wrap(Connection c) {
        return (Connection) Proxy.newProxyInstance(ReadOnlyStatements.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new ReadOnlyStatements(c));
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
            check(sql);
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
                        new Class<?>[] {Statement.class}, new ReadOnlyStatements(s));
            }
            return result;
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static void check(String sql) throws SQLException {
        String[] words = sql.strip().toLowerCase(Locale.ROOT).split("[^a-z_]+");
        String first = words.length == 0 ? "" : words[0];
        boolean read = READS.contains(first);
        if (read && (first.equals("with") || first.equals("explain"))) {
            for (String w : words) {
                if (WRITE_WORDS.contains(w)) {
                    read = false;
                    break;
                }
            }
        }
        if (!read) {
            throw new SQLException("@Transactional(readOnly = true): " + first.toUpperCase(Locale.ROOT)
                    + " statement refused; skyriff.data.read-only-transactions=replicas runs read-only transactions"
                    + " without a database transaction, so a write would commit at once; was a "
                    + first.toUpperCase(Locale.ROOT) + ", expected a read (SELECT, SHOW, VALUES, TABLE, EXPLAIN, or WITH"
                    + " without INSERT/UPDATE/DELETE), or readOnly = false, or read-only-transactions=primary",
                    SQL_STATE);
        }
    }
}
