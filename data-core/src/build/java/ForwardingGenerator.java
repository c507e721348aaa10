import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes the layer's one JDBC forwarding base per interface ({@code ForwardingConnection}, {@code ForwardingStatement},
 * {@code ForwardingPreparedStatement}, {@code ForwardingResultSet}, {@code ForwardingDatabaseMetaData} in
 * {@code com.skyriff.data.internal}) from the JDK's
 * own {@code java.sql} interfaces, so that the ~500 plain forwarding methods are never written by hand (HikariCP
 * generates its proxies the same way). Each class is a hand-written head (fields, hooks, the methods that are not plain
 * forwarding), below, and one forwarding method for every other method of the interface: the call goes to the
 * delegate, and a {@link SQLException} passes {@code translate}. Run by data-core's build in {@code generate-sources}
 * (exec-maven-plugin, with the JDK's source launcher):
 * {@code java data-core/src/build/java/ForwardingGenerator.java data-core/target/generated-sources/jdbc-forwarding}.
 */
public final class ForwardingGenerator {
    private static final String PACKAGE = "com.skyriff.data.internal";
    /** The setters of plain values; {@code ForwardingPreparedStatement} binds the others on {@code otherValues()}. */
    private static final Set<String> PLAIN_SETTERS = Set.of("setNull(int,int)", "setBoolean(int,boolean)",
            "setByte(int,byte)", "setShort(int,short)", "setInt(int,int)", "setLong(int,long)", "setFloat(int,float)",
            "setDouble(int,double)", "setBigDecimal(int,java.math.BigDecimal)", "setString(int,java.lang.String)",
            "setBytes(int,byte[])", "setDate(int,java.sql.Date)", "setTime(int,java.sql.Time)",
            "setTimestamp(int,java.sql.Timestamp)", "setObject(int,java.lang.Object)");

    private ForwardingGenerator() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: java ForwardingGenerator.java <generated-sources directory>");
        }
        Path dir = Path.of(args[0]).resolve(PACKAGE.replace('.', '/'));
        Files.createDirectories(dir);
        write(dir, "ForwardingConnection", CONNECTION, Connection.class, ForwardingGenerator::connection);
        write(dir, "ForwardingStatement", STATEMENT, Statement.class, ForwardingGenerator::statement);
        write(dir, "ForwardingPreparedStatement", PREPARED_STATEMENT, PreparedStatement.class,
                ForwardingGenerator::preparedStatement);
        write(dir, "ForwardingResultSet", RESULT_SET, ResultSet.class, ForwardingGenerator::resultSet);
        write(dir, "ForwardingDatabaseMetaData", DATABASE_META_DATA, DatabaseMetaData.class,
                ForwardingGenerator::databaseMetaData);
    }

    /** The call a forwarding method of Connection makes, or null when the head has the method. */
    private static String connection(Method m) {
        return switch (m.getName()) {
            case "createStatement" -> "statement(" + call("c", m) + ")";
            case "prepareStatement" -> "prepared(" + call("c", m) + ", p0)";
            default -> call(throwsSqlException(m) ? "target()" : "delegate", m);
        };
    }

    private static boolean throwsSqlException(Method m) {
        Class<?>[] thrown = m.getExceptionTypes();
        return thrown.length == 1 && thrown[0] == SQLException.class;
    }

    /** A forwarding method of DatabaseMetaData: to {@code target()}, except the connection it answers. */
    private static String databaseMetaData(Method m) {
        return m.getName().equals("getConnection") ? null : call(throwsSqlException(m) ? "target()" : "uncheckedTarget()", m);
    }

    private static String statement(Method m) {
        return switch (m.getName()) {
            case "getConnection" -> null;
            case "executeQuery" -> "results(" + call("delegate", m) + ")";
            case "getResultSet", "getGeneratedKeys" -> "results(" + call("current()", m) + ")";
            case "getUpdateCount", "getLargeUpdateCount", "getMoreResults" -> call("current()", m);
            default -> call("delegate", m);
        };
    }

    private static String preparedStatement(Method m) {
        if (m.getName().equals("executeQuery")) {
            return "results(" + call("prepared", m) + ")";
        }
        if (m.getName().startsWith("set") && !PLAIN_SETTERS.contains(key(m))) {
            return call("otherValues()", m);
        }
        return call("prepared", m);
    }

    private static String resultSet(Method m) {
        return m.getName().equals("getStatement") ? null : call("delegate", m);
    }

    private static void write(Path dir, String name, String head, Class<?> iface, Function<Method, String> body)
            throws Exception {
        StringBuilder out = new StringBuilder();
        out.append("// Generated by data-core/src/build/java/ForwardingGenerator.java at build time; do not edit.\n");
        out.append(head);
        if (iface == DatabaseMetaData.class) {
            out.append(META_DATA_WRAPPER);
        } else if (iface != PreparedStatement.class) {
            out.append(WRAPPER);   // a prepared statement inherits the statement's
        }
        List<Method> methods = Arrays.stream(iface.getDeclaredMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic())
                .sorted(Comparator.comparing(ForwardingGenerator::key))
                .toList();
        for (Method m : methods) {
            String call = body.apply(m);
            if (call != null) {
                method(out, m, call);
            }
        }
        out.append("}\n");
        Files.writeString(dir.resolve(name + ".java"), out);
    }

    private static void method(StringBuilder out, Method m, String call) {
        out.append("\n    @Override\n");
        if (m.isAnnotationPresent(Deprecated.class)) {
            out.append("    @Deprecated\n");
        }
        out.append("    public ");
        TypeVariable<Method>[] vars = m.getTypeParameters();
        if (vars.length > 0) {
            out.append(Arrays.stream(vars).map(TypeVariable::getName).collect(Collectors.joining(", ", "<", "> ")));
        }
        out.append(name(m.getGenericReturnType())).append(' ').append(m.getName()).append('(');
        Type[] params = m.getGenericParameterTypes();
        List<String> declared = new ArrayList<>();
        for (int i = 0; i < params.length; i++) {
            declared.add(name(params[i]) + " p" + i);
        }
        out.append(String.join(", ", declared)).append(')');
        Type[] thrown = m.getGenericExceptionTypes();
        if (thrown.length > 0) {
            out.append(" throws ").append(Arrays.stream(thrown).map(ForwardingGenerator::name)
                    .collect(Collectors.joining(", ")));
        }
        String ret = m.getReturnType() == void.class ? "" : "return ";
        boolean translate = thrown.length == 1 && thrown[0] == SQLException.class;
        out.append(" {\n");
        if (translate) {
            if (call.startsWith("statement(c.") || call.startsWith("prepared(c.")) {
                // a new statement is made on the connection forStatements() returns; its failures are not translated
                out.append("        Connection c = forStatements();\n");
            }
            out.append("        try {\n            ").append(ret).append(call).append(";\n");
            out.append("        } catch (java.sql.SQLException e) {\n            throw translate(e);\n        }\n");
        } else {
            out.append("        ").append(ret).append(call).append(";\n");
        }
        out.append("    }\n");
    }

    private static String call(String target, Method m) {
        StringBuilder s = new StringBuilder(target).append('.').append(m.getName()).append('(');
        for (int i = 0; i < m.getParameterCount(); i++) {
            s.append(i == 0 ? "" : ", ").append('p').append(i);
        }
        return s.append(')').toString();
    }

    private static String key(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getTypeName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    private static String name(Type t) {
        return t.getTypeName().replace("java.lang.", "");
    }

    /** {@code java.sql.Wrapper}: this object, else what the delegate unwraps to. */
    private static final String WRAPPER = """

    @Override
    public <T> T unwrap(Class<T> iface) throws java.sql.SQLException {
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws java.sql.SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }
""";

    private static final String CONNECTION = """
package com.skyriff.data.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The layer's one forwarding {@link Connection}: every method goes to {@link #delegate} and every {@link SQLException}
 * it throws passes {@link #translate(SQLException)}, the one place a wrapper changes what a failure means. A wrapper
 * subclasses it and overrides only what it changes; the statements the delegate makes pass {@link #statement} and
 * {@link #prepared}, so that every statement a wrapper hands out answers {@code getConnection()} with the wrapper.
 * Callable statements are passed through as the delegate makes them (ShardingSphere's connection refuses
 * {@code prepareCall}; the nodes' connections are never asked for one). Plain virtual calls, no reflection, nothing
 * allocated on the way. Public for the layer's packages; not API. Not thread-safe (a JDBC connection).
 */
public abstract class ForwardingConnection implements Connection {
    /** The connection calls go to; a subclass may replace it (a lost physical connection). */
    protected Connection delegate;

    protected ForwardingConnection(Connection delegate) {
        this.delegate = delegate;
    }

    /**
     * The exception the caller sees for a failure {@code e} of the delegate or of a statement made here (the
     * statements' default, {@link ForwardingStatement#translate}); the default returns {@code e}. Called on the
     * failure path only.
     */
    protected SQLException translate(SQLException e) {
        return e;
    }

    /** The statement the caller gets for {@code statement}, which the delegate just made. */
    protected abstract Statement statement(Statement statement) throws SQLException;

    /** The prepared statement the caller gets for {@code statement}, which the delegate prepared for {@code sql}. */
    protected abstract PreparedStatement prepared(PreparedStatement statement, String sql) throws SQLException;

    /**
     * The connection the next statement is made on: the delegate (the default), or a subclass's replacement of a lost
     * one. Its failures are not translated.
     */
    protected Connection forStatements() throws SQLException {
        return delegate;
    }

    /**
     * The connection a plain forwarding method that throws {@code SQLException} calls: the delegate (the default), or
     * one a subclass opens only when a call needs it. Its failures are not translated.
     */
    protected Connection target() throws SQLException {
        return delegate;
    }
""";

    private static final String STATEMENT = """
package com.skyriff.data.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The layer's one forwarding {@link Statement}: every method goes to {@link #delegate}, a failure passes
 * {@link #translate(SQLException)} (by default its connection's), and {@link #getConnection()} answers the wrapper's
 * connection. The results of the last execution ({@code getResultSet}, update counts, {@code getMoreResults},
 * generated keys) are read from {@link #current()}, and every result set handed out passes {@link #results}. A wrapper
 * subclasses it and overrides only what it changes. Plain virtual calls, no reflection. Public for the layer's
 * packages; not API. Not thread-safe (a JDBC statement).
 */
public abstract class ForwardingStatement implements Statement {
    protected final Statement delegate;
    /** The connection {@link #getConnection()} answers: the wrapper that made this statement. */
    protected final ForwardingConnection connection;

    protected ForwardingStatement(Statement delegate, ForwardingConnection connection) {
        this.delegate = delegate;
        this.connection = connection;
    }

    /** The exception the caller sees for a failure {@code e} of the delegate; by default the connection's choice. */
    protected SQLException translate(SQLException e) {
        return connection.translate(e);
    }

    /** The statement whose results the caller reads: the delegate (the default), or the one that ran instead. */
    protected Statement current() {
        return delegate;
    }

    /** The result set the caller gets for {@code resultSet} (null stays null); the default returns it as it is. */
    protected ResultSet results(ResultSet resultSet) throws SQLException {
        return resultSet;
    }

    @Override
    public Connection getConnection() {
        return connection;
    }
""";

    private static final String PREPARED_STATEMENT = """
package com.skyriff.data.internal;

import java.sql.PreparedStatement;

/**
 * The layer's one forwarding {@link PreparedStatement}: {@link ForwardingStatement} for the methods a prepared
 * statement adds. The setters of plain values ({@code setNull(int, int)}, the primitives, {@code BigDecimal},
 * {@code String}, {@code byte[]}, {@code Date}, {@code Time}, {@code Timestamp} and {@code setObject(int, Object)})
 * bind on {@link #prepared}; every other setter (streams, readers, LOBs, calendars, typed {@code setObject}, ...) binds
 * on {@link #otherValues()}, so that a wrapper that records plain values to replay them can tell when a value it does
 * not record was bound. Public for the layer's packages; not API. Not thread-safe (a JDBC statement).
 */
public abstract class ForwardingPreparedStatement extends ForwardingStatement implements PreparedStatement {
    /** The delegate, as a prepared statement. */
    protected final PreparedStatement prepared;

    protected ForwardingPreparedStatement(PreparedStatement delegate, ForwardingConnection connection) {
        super(delegate, connection);
        this.prepared = delegate;
    }

    /** The statement the setters of values other than plain ones bind on: {@link #prepared} (the default). */
    protected PreparedStatement otherValues() {
        return prepared;
    }
""";

    /** {@code java.sql.Wrapper} for the metadata: this object, else what the target unwraps to. */
    private static final String META_DATA_WRAPPER = """

    @Override
    public <T> T unwrap(Class<T> iface) throws java.sql.SQLException {
        return iface.isInstance(this) ? iface.cast(this) : target().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws java.sql.SQLException {
        return iface.isInstance(this) || target().isWrapperFor(iface);
    }
""";

    private static final String DATABASE_META_DATA = """
package com.skyriff.data.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/**
 * The layer's one forwarding {@link DatabaseMetaData}: every method goes to {@link #target()}, which a subclass may
 * obtain only when a call needs it, and {@link #getConnection()} answers the connection given here. A wrapper
 * subclasses it and overrides the answers it knows without asking. Public for the layer's packages; not API.
 * Thread-safe as far as its target is.
 */
public abstract class ForwardingDatabaseMetaData implements DatabaseMetaData {
    /** The connection {@link #getConnection()} answers. */
    protected final Connection connection;

    protected ForwardingDatabaseMetaData(Connection connection) {
        this.connection = connection;
    }

    /** The metadata calls go to. */
    protected abstract DatabaseMetaData target() throws SQLException;

    /** The exception the caller sees for a failure {@code e} of the target; the default returns {@code e}. */
    protected SQLException translate(SQLException e) {
        return e;
    }

    /** {@link #target()} for the few methods that declare no {@code SQLException} (the driver's version). */
    protected DatabaseMetaData uncheckedTarget() {
        try {
            return target();
        } catch (SQLException e) {
            throw new IllegalStateException("database metadata: " + e.getMessage(), e);
        }
    }

    @Override
    public Connection getConnection() {
        return connection;
    }
""";

    private static final String RESULT_SET = """
package com.skyriff.data.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The layer's one forwarding {@link ResultSet}: every method goes to {@link #delegate}, a failure passes
 * {@link #translate(SQLException)} (the default returns it), and {@link #getStatement()} answers the statement the
 * wrapper handed the result set out from. Public for the layer's packages; not API. Not thread-safe (a JDBC result
 * set).
 */
public abstract class ForwardingResultSet implements ResultSet {
    protected final ResultSet delegate;
    /** The statement {@link #getStatement()} answers. */
    protected final Statement statement;

    protected ForwardingResultSet(ResultSet delegate, Statement statement) {
        this.delegate = delegate;
        this.statement = statement;
    }

    /** The exception the caller sees for a failure {@code e} of the delegate; the default returns {@code e}. */
    protected SQLException translate(SQLException e) {
        return e;
    }

    @Override
    public Statement getStatement() {
        return statement;
    }
""";
}
