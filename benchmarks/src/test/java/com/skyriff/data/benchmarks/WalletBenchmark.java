package com.skyriff.data.benchmarks;

import com.skyriff.examples.service.InsufficientFundsException;
import com.skyriff.examples.service.SkyriffService;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;

/**
 * Pair 8: one wallet move (a credit or a debit of a Zipf-hot user's wallet, with its ledger entry), at 1 and 8 client
 * threads. {@code LAYER_TRANSACTION}: the reference service's {@code credit}/{@code debit} through the layer, a
 * transaction of four round trips with the row lock held across three ({@code SELECT ... FOR UPDATE}, update, ledger
 * insert, commit). {@code RAW_TRANSACTION}: the same transaction by hand on a plain HikariCP pool to the user's shard
 * primary. {@code RAW_ONE_STATEMENT}: the move as a good team writes it on one PostgreSQL, one round trip, the lock
 * held only inside the server: {@code WITH moved AS (UPDATE wallets ... WHERE balance + ? >= 0 RETURNING ...) INSERT
 * INTO <month table> ... SELECT ... FROM moved RETURNING balance_after}. The layer has no one-statement variant:
 * ShardingSphere 5.5.2 rejects that statement ({@code WalletMoveIT} in examples shows how), so the service keeps the
 * transaction, and this pair shows what the refusal costs.
 *
 * <pre>mvn -pl benchmarks -am jmh:benchmark -Djmh.benchmarks=WalletBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class WalletBenchmark {
    /** How the move is made. */
    public enum Move {
        RAW_ONE_STATEMENT, RAW_TRANSACTION, LAYER_TRANSACTION
    }

    /** The one-statement move; {@code %s} is the month table of the ledger. */
    static final String ONE_STATEMENT = "WITH moved AS (UPDATE wallets SET balance = balance + ?, updated_at = ?"
            + " WHERE user_id = ? AND balance + ? >= 0 RETURNING user_id, balance)"
            + " INSERT INTO %s (entry_id, user_id, amount, balance_after, kind, created_at)"
            + " SELECT ?, user_id, ?, balance, ?, ? FROM moved RETURNING balance_after";
    private static final AtomicLong IDS = new AtomicLong(3 * Fixture.FIRST_WORKLOAD_ID);

    @Param({"RAW_ONE_STATEMENT", "RAW_TRANSACTION", "LAYER_TRANSACTION"})
    Move move;

    Fixture fixture;
    SkyriffService service;
    MixedOps.Raw raw;
    Probe probe;
    private final ConcurrentHashMap<String, String> oneStatement = new ConcurrentHashMap<>();

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws SQLException {
        fixture = Fixture.get();
        raw = new MixedOps.Raw(fixture);
        if (move == Move.LAYER_TRANSACTION) {
            service = fixture.acquireService(true, false);
        }
        long user = fixture.users[5];
        BigDecimal before = raw.move(user, BigDecimal.ONE, "credit");
        BigDecimal after = move(user, BigDecimal.ONE);
        if (after == null || after.compareTo(before.add(BigDecimal.ONE)) != 0) {
            throw new IllegalStateException(move + ": a credit of 1 on balance " + before + " left " + after
                    + ", expected " + before.add(BigDecimal.ONE));
        }
        probe = new Probe(params, fixture.cpu());
        Keys[] keys = new Keys[probe.threads()];
        SplittableRandom[] random = new SplittableRandom[probe.threads()];
        for (int t = 0; t < keys.length; t++) {
            keys[t] = Keys.warmup(t);
            random[t] = new SplittableRandom(88_000 + t);
        }
        probe.settle(t -> operate(keys[t], random[t]));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (service != null) {
            fixture.releaseService();
        }
    }

    @Setup(Level.Iteration)
    public void startIteration(IterationParams params) {
        fixture.resetWorkload();
        probe.start(params);
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        probe.stop();
    }

    @Benchmark
    @Threads(1)
    public Object threads001(Keys keys, MixedWorkload.Client client) throws SQLException {
        return operate(keys, client.random);
    }

    @Benchmark
    @Threads(8)
    public Object threads008(Keys keys, MixedWorkload.Client client) throws SQLException {
        return operate(keys, client.random);
    }

    private Object operate(Keys keys, SplittableRandom rnd) throws SQLException {
        long user = keys.user();
        boolean credit = rnd.nextBoolean();
        BigDecimal delta = BigDecimal.valueOf(credit ? 1 + rnd.nextInt(50) : -(1 + rnd.nextInt(30)));
        Object out;
        try {
            out = move(user, delta);
        } catch (InsufficientFundsException e) {
            out = e;
        }
        probe.op();
        return out;
    }

    /** One move of {@code delta}; {@link InsufficientFundsException} if a debit exceeds the balance. */
    BigDecimal move(long user, BigDecimal delta) throws SQLException {
        return switch (move) {
            case LAYER_TRANSACTION -> delta.signum() > 0 ? service.credit(user, delta) : service.debit(user, delta.negate());
            case RAW_TRANSACTION -> raw.move(user, delta, delta.signum() > 0 ? "credit" : "debit");
            case RAW_ONE_STATEMENT -> oneStatement(user, delta);
        };
    }

    private BigDecimal oneStatement(long user, BigDecimal delta) throws SQLException {
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
        String sql = oneStatement.computeIfAbsent(Fixture.monthTable("wallet_ledger", at),
                t -> String.format(ONE_STATEMENT, t));
        try (Connection c = fixture.rawPool(user, true).getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setBigDecimal(1, delta);
            ps.setObject(2, at);
            ps.setLong(3, user);
            ps.setBigDecimal(4, delta);
            ps.setLong(5, IDS.incrementAndGet());
            ps.setBigDecimal(6, delta);
            ps.setString(7, delta.signum() > 0 ? "credit" : "debit");
            ps.setObject(8, at);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getBigDecimal(1);
                }
            }
            // nothing moved: the refused debit (the balance is read only on this path, for the message)
            try (PreparedStatement b = c.prepareStatement("SELECT balance FROM wallets WHERE user_id = ?")) {
                b.setLong(1, user);
                try (ResultSet rs = b.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalArgumentException("user " + user + " has no wallet");
                    }
                    throw new InsufficientFundsException(user, rs.getBigDecimal(1), delta.negate());
                }
            }
        }
    }
}
