package com.skyriff.data.benchmarks;

import com.skyriff.data.SkyriffData;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.shardingsphere.driver.jdbc.core.connection.ShardingSphereConnection;
import org.apache.shardingsphere.infra.binder.context.statement.SQLStatementContext;
import org.apache.shardingsphere.infra.binder.engine.SQLBindEngine;
import org.apache.shardingsphere.infra.connection.kernel.KernelProcessor;
import org.apache.shardingsphere.infra.executor.sql.context.ExecutionContext;
import org.apache.shardingsphere.infra.hint.HintValueContext;
import org.apache.shardingsphere.infra.metadata.ShardingSphereMetaData;
import org.apache.shardingsphere.infra.metadata.database.ShardingSphereDatabase;
import org.apache.shardingsphere.infra.parser.SQLParserEngine;
import org.apache.shardingsphere.infra.session.connection.ConnectionContext;
import org.apache.shardingsphere.infra.session.query.QueryContext;
import org.apache.shardingsphere.parser.rule.SQLParserRule;
import org.apache.shardingsphere.sql.parser.statement.core.statement.SQLStatement;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pair 5: the layer's routing cost alone, no execution: ShardingSphere's parse (through its SQL statement cache, as
 * every repeated statement is), bind, route (sharding and read/write splitting) and rewrite of one statement, i.e.
 * {@code KernelProcessor.generateExecutionContext}, everything a statement costs before it reaches a connection.
 * Measured on 2 shards x 12 months, 16 x 36 and 64 x 36 for a point read, a three-month range read and an insert:
 * it must stay flat as shards and months grow. The metadata comes from a real start of the layer on the local
 * topology (ShardingSphere loads table metadata from the first data node), one per shape and JVM; nothing is executed.
 *
 * <pre>mvn -pl benchmarks -am jmh:benchmark -Djmh.benchmarks=RoutingBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
@Threads(1)
public class RoutingBenchmark {
    /** The statements routed: each names its shard key, as the service's statements do. */
    public enum Statement {
        POINT("SELECT user_id, handle, display_name, region_code, created_at FROM users WHERE user_id = ?"),
        RANGE("SELECT event_id, user_id, video_id, watched_s, created_at FROM watch_events WHERE user_id = ?"
                + " AND created_at >= ? AND created_at < ? ORDER BY created_at DESC, event_id DESC LIMIT ?"),
        INSERT("INSERT INTO watch_events (event_id, user_id, video_id, watched_s, created_at) VALUES (?, ?, ?, ?, ?)");

        final String sql;

        Statement(String sql) {
            this.sql = sql;
        }
    }

    /** Parameter sets cycled through (a power of two). */
    static final int PARAMS = 1024;

    @Param({"S2_M12", "S16_M36", "S64_M36"})
    Wide.Shape shape;

    @Param({"POINT", "RANGE", "INSERT"})
    Statement statement;

    private SkyriffData data;
    private Connection connection;
    private ShardingSphereMetaData metaData;
    private String databaseName;
    private SQLParserEngine parser;
    private ConnectionContext connectionContext;
    private final KernelProcessor kernel = new KernelProcessor();
    private final List<List<Object>> params = new ArrayList<>();
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        data = Wide.layer(shape);
        connection = data.dataSource().getConnection();
        ShardingSphereConnection ss = connection.unwrap(ShardingSphereConnection.class);
        databaseName = ss.getCurrentDatabaseName();
        metaData = ss.getContextManager().getMetaDataContexts().getMetaData();
        ShardingSphereDatabase database = metaData.getDatabase(databaseName);
        parser = metaData.getGlobalRuleMetaData().getSingleRule(SQLParserRule.class)
                .getSQLParserEngine(database.getProtocolType());
        connectionContext = ss.getDatabaseConnectionManager().getConnectionContext();
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        OffsetDateTime from = now.minusMonths(2).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime to = now.plusMonths(1).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        ScrambledZipfian keys = new ScrambledZipfian(ScrambledZipfian.Zeta.of(Fixture.USERS, ScrambledZipfian.THETA), 5);
        for (int i = 0; i < PARAMS; i++) {
            long user = 1_000_000L + keys.next();
            params.add(switch (statement) {
                case POINT -> List.of(user);
                case RANGE -> List.of(user, from, to, 20);
                case INSERT -> List.of(9_000_000_000L + i, user, 1L, 30, from.plusMinutes(97L * i));
            });
        }
        ExecutionContext check = route();
        if (check.getExecutionUnits().isEmpty()) {
            throw new IllegalStateException(shape + " " + statement + ": routed to no data node");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        connection.close();
    }

    @Benchmark
    public ExecutionContext route() {
        List<Object> p = params.get(next++ & (PARAMS - 1));
        SQLStatement parsed = parser.parse(statement.sql, true);
        HintValueContext hint = new HintValueContext();
        SQLStatementContext bound = new SQLBindEngine(metaData, databaseName, hint).bind(parsed, p);
        QueryContext query = new QueryContext(bound, statement.sql, p, hint, connectionContext, metaData);
        return kernel.generateExecutionContext(query, metaData.getGlobalRuleMetaData(), metaData.getProps());
    }
}
