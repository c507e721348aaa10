package com.skyriff.data.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import javax.sql.DataSource;

/**
 * Stand-in JDBC objects for building ShardingSphere's rules without a database. ShardingSphere's single-table rule
 * asks each data source for its URL and its tables; these answer from the rules (the tables the rules place on that
 * data source) and refuse everything else, so nothing can silently run against them. Stateless.
 */
final class OfflineJdbc {
    private OfflineJdbc() {
    }

    /** A data source whose connections report {@code url} and list {@code tables} in schema {@code public}. */
    static DataSource dataSource(String url, String user, List<String> tables) {
        Connection[] connection = new Connection[1];
        DataSource ds = proxy(DataSource.class, (p, m, a) -> m.getName().equals("getConnection")
                ? connection[0] : refuse(p, m, a));
        connection[0] = connection(url, user, tables);
        return ds;
    }

    private static Connection connection(String url, String user, List<String> tables) {
        String database = url.replaceAll("^jdbc:postgresql://[^/]*/([^?]*).*$", "$1");
        Connection[] self = new Connection[1];
        DatabaseMetaData meta = proxy(DatabaseMetaData.class, (p, m, a) -> switch (m.getName()) {
            case "getURL" -> url;
            case "getUserName" -> user;
            case "getConnection" -> self[0];
            case "getDatabaseProductName" -> "PostgreSQL";
            case "getTables" -> rows(List.of("TABLE_NAME", "TABLE_SCHEM", "TABLE_CAT"),
                    tables.stream().map(t -> List.of(t, "public", database)).toList());
            case "getSchemas" -> rows(List.of("TABLE_SCHEM", "TABLE_CATALOG"), List.of(List.of("public", database)));
            default -> refuse(p, m, a);
        });
        self[0] = proxy(Connection.class, (p, m, a) -> switch (m.getName()) {
            case "getMetaData" -> meta;
            case "getCatalog" -> database;
            case "getSchema" -> "public";
            case "close" -> null;
            case "isClosed" -> false;
            default -> refuse(p, m, a);
        });
        return self[0];
    }

    private static ResultSet rows(List<String> columns, List<List<String>> rows) {
        int[] row = {-1};
        return proxy(ResultSet.class, (p, m, a) -> switch (m.getName()) {
            case "next" -> ++row[0] < rows.size();
            case "getString" -> a[0] instanceof Integer i ? rows.get(row[0]).get(i - 1)
                    : rows.get(row[0]).get(columns.indexOf(((String) a[0]).toUpperCase(java.util.Locale.ROOT)));
            case "close" -> null;
            case "wasNull" -> false;
            default -> refuse(p, m, a);
        });
    }

    private static Object refuse(Object proxy, Method m, Object[] args) throws SQLFeatureNotSupportedException {
        return switch (m.getName()) {
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "offline " + m.getDeclaringClass().getSimpleName();
            default -> throw new SQLFeatureNotSupportedException("offline: " + m.getDeclaringClass().getSimpleName()
                    + "." + m.getName() + " needs a database; this command works from the rules alone");
        };
    }

    private static <T> T proxy(Class<T> type, InvocationHandler h) {
        return type.cast(Proxy.newProxyInstance(OfflineJdbc.class.getClassLoader(), new Class<?>[] {type}, h));
    }
}
