package com.skyriff.examples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.RulesReader;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.TestDatabase;
import com.skyriff.examples.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The wallet move in fewer round trips than the reference service's transaction, statement by statement, through the
 * layer (phase-4 rules: 2 shards, {@code wallet_ledger} by user and month) against one plain PostgreSQL holding the
 * same rows. The promise is checked, not a particular outcome: through the layer each statement either gives exactly
 * plain PostgreSQL's result, or fails and changes nothing; never silently wrong. Which of the two happened is printed
 * (today, on ShardingSphere 5.5.2, all three fail; see {@code SkyriffService#move} and BENCHMARKS.md's notes), so
 * the service can move to the one-statement shape once the layer runs it.
 */
class WalletMoveIT {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    static final OffsetDateTime AT = OffsetDateTime.now(CLOCK);
    /** One round trip: the conditional balance update and the ledger entry in one data-modifying statement. */
    static final String ONE_STATEMENT = "WITH moved AS (UPDATE wallets SET balance = balance + ?, updated_at = ?"
            + " WHERE user_id = ? AND balance + ? >= 0 RETURNING user_id, balance)"
            + " INSERT INTO wallet_ledger (entry_id, user_id, amount, balance_after, kind, created_at)"
            + " SELECT ?, user_id, ?, balance, ?, ? FROM moved RETURNING balance_after";
    /** The balance update alone, returning the new balance (a transaction's first round trip, no read before). */
    static final String UPDATE_RETURNING = "UPDATE wallets SET balance = balance + ?, updated_at = ?"
            + " WHERE user_id = ? AND balance + ? >= 0 RETURNING balance";
    /** The ledger entry taking its balance from the wallet row (no client round trip for the balance). */
    static final String INSERT_SUBQUERY = "INSERT INTO wallet_ledger (user_id, amount, balance_after, kind, created_at)"
            + " VALUES (?, ?, (SELECT balance FROM wallets WHERE user_id = ?), ?, ?)";

    static LocalTopology topology;
    static SkyriffData data;
    static PgNode plain;

    @BeforeAll
    static void start() throws SQLException, IOException {
        topology = ExamplesTopology.get();
        TestDatabase db = topology.createDatabase("wallet_move_it");
        Map<String, String> env = ExamplesTopology.env(db, "2026-09");
        env.putAll(ExamplesTopology.clusterEnv());
        Rules rules = RulesReader.read(Path.of("rules/phase4.yaml"), env::get, CLOCK);
        Schema.migrate(rules, CLOCK, com.skyriff.data.migrations.Progress.NONE);
        db.shards().forEach(s -> s.awaitReplicaCatchUp(Duration.ofSeconds(60)));
        data = SkyriffData.builder().rules(rules).clock(CLOCK).build();
        plain = topology.createDatabase("wallet_move_plain").shards().get(0).primary();
        String ddl;
        try (InputStream in = WalletMoveIT.class.getResourceAsStream("/db/skyriff/V1__skyriff_domain.sql")) {
            ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = plainConnection(); Statement st = c.createStatement()) {
            st.execute(ddl);
        }
    }

    @AfterAll
    static void stop() {
        if (data != null) {
            data.close();
        }
    }

    static Connection plainConnection() throws SQLException {
        return DriverManager.getConnection(plain.jdbcUrl(), plain.user(), plain.password());
    }

    /** What a move left behind: the balance and the ledger entries (amount / balance_after), read on a primary. */
    record State(BigDecimal balance, List<String> ledger, List<String> returned) {
    }

    @Test
    void oneStatementMove_layerEqualsPlainPostgresOrFailsChangingNothing() throws SQLException {
        long user = 4_242L;
        StepRunner move = (c, amount) -> bindOneStatement(c, user, amount, 9_000_000L + amount.abs().longValue());

        State expected = runOnPlain(user, move);
        Outcome layer = runOnLayer(user, move);

        assertThat(expected.returned()).as("plain PostgreSQL: the debit of 30 returns the new balance, the overdraft"
                + " returns nothing").containsExactly("70.0000", "none");
        assertThat(expected.ledger()).as("plain PostgreSQL: one ledger entry").containsExactly("-30.0000/70.0000");
        layer.assertPromise(expected);
    }

    @Test
    void updateReturningMove_layerEqualsPlainPostgresOrFailsChangingNothing() throws SQLException {
        long user = 4_343L;
        StepRunner move = (c, amount) -> {
            PreparedStatement ps = c.prepareStatement(UPDATE_RETURNING);
            ps.setBigDecimal(1, amount);
            ps.setObject(2, AT);
            ps.setLong(3, user);
            ps.setBigDecimal(4, amount);
            return ps;
        };

        State expected = runOnPlain(user, move);
        Outcome layer = runOnLayer(user, move);

        assertThat(expected.returned()).containsExactly("70.0000", "none");
        layer.assertPromise(expected);
    }

    @Test
    void ledgerInsertWithBalanceSubquery_layerEqualsPlainPostgresOrFailsChangingNothing() throws SQLException {
        long user = 4_444L;
        // plain PostgreSQL has no key generator: the layer fills entry_id, plain PostgreSQL gets it bound
        StepRunner layerInsert = (c, amount) -> bindSubquery(c, INSERT_SUBQUERY, user, amount);
        StepRunner plainInsert = (c, amount) -> bindSubquery(c, INSERT_SUBQUERY.replace("(user_id,", "(entry_id, user_id,")
                .replace("VALUES (?,", "VALUES (" + (7_000_000L + amount.abs().longValue()) + ", ?,"), user, amount);

        State expected = runOnPlain(user, plainInsert);
        Outcome layer = runOnLayer(user, layerInsert);

        assertThat(expected.ledger()).as("plain PostgreSQL: an entry per insert, balance_after from the wallet row")
                .containsExactly("-30.0000/100.0000", "-100.0000/100.0000");
        layer.assertPromise(expected);
    }

    private static PreparedStatement bindOneStatement(Connection c, long user, BigDecimal amount, long entryId)
            throws SQLException {
        PreparedStatement ps = c.prepareStatement(ONE_STATEMENT);
        ps.setBigDecimal(1, amount);
        ps.setObject(2, AT);
        ps.setLong(3, user);
        ps.setBigDecimal(4, amount);
        ps.setLong(5, entryId);
        ps.setBigDecimal(6, amount);
        ps.setString(7, amount.signum() > 0 ? "credit" : "debit");
        ps.setObject(8, AT);
        return ps;
    }

    private static PreparedStatement bindSubquery(Connection c, String sql, long user, BigDecimal amount)
            throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        ps.setLong(1, user);
        ps.setBigDecimal(2, amount);
        ps.setLong(3, user);
        ps.setString(4, amount.signum() > 0 ? "credit" : "debit");
        ps.setObject(5, AT);
        return ps;
    }

    /** Prepares one step's statement for {@code amount} (it is executed and closed by the caller). */
    @FunctionalInterface
    interface StepRunner {
        PreparedStatement prepare(Connection c, BigDecimal amount) throws SQLException;
    }

    /** A wallet of 100, then a debit of 30 and a debit of 100 (an overdraft): the same steps on both sides. */
    static final BigDecimal[] STEPS = {new BigDecimal("-30"), new BigDecimal("-100")};

    private static State runOnPlain(long user, StepRunner step) throws SQLException {
        try (Connection c = plainConnection()) {
            openWallet(c, user);
            List<String> returned = new ArrayList<>();
            for (BigDecimal amount : STEPS) {
                try (PreparedStatement ps = step.prepare(c, amount)) {
                    returned.add(execute(ps));
                }
            }
            return new State(balance(c, user), ledger(c, user), returned);
        }
    }

    /** The result of the steps through the layer, or the first failure. */
    record Outcome(State state, State after, SQLException failure, RuntimeException unchecked) {
        void assertPromise(State plain) {
            Exception e = failure != null ? failure : unchecked;
            if (e == null) {
                System.out.println("[WalletMoveIT] the layer ran the statement; checked against plain PostgreSQL");
                assertThat(state).as("through the layer, a statement that runs must give plain PostgreSQL's result")
                        .isEqualTo(plain);
            } else {
                System.out.println("[WalletMoveIT] the layer refused the statement: " + e);
                assertThat(after.balance()).as("a failed move must leave the balance as it was (" + e + ")")
                        .isEqualByComparingTo("100");
                assertThat(after.ledger()).as("a failed move must leave no ledger entry (" + e + ")").isEmpty();
            }
        }
    }

    private static Outcome runOnLayer(long user, StepRunner step) throws SQLException {
        DataSource ds = data.dataSource();
        try (Connection c = ds.getConnection()) {
            openWallet(c, user);
        }
        List<String> returned = new ArrayList<>();
        SQLException failure = null;
        RuntimeException unchecked = null;
        try (Connection c = ds.getConnection()) {
            for (BigDecimal amount : STEPS) {
                try (PreparedStatement ps = step.prepare(c, amount)) {
                    returned.add(execute(ps));
                }
            }
        } catch (SQLException e) {
            failure = e;
        } catch (RuntimeException e) {
            unchecked = e;
        }
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);  // a transaction reads the primary
            State after = new State(balance(c, user), ledger(c, user), List.of());
            c.commit();
            return new Outcome(new State(after.balance(), after.ledger(), returned), after, failure, unchecked);
        }
    }

    private static void openWallet(Connection c, long user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO wallets (user_id, balance, updated_at)"
                + " VALUES (?, 100, ?)")) {
            ps.setLong(1, user);
            ps.setObject(2, AT);
            ps.executeUpdate();
        }
    }

    /** The first column of the first row a statement returns, "none" if it returns no row, "n" for a count. */
    private static String execute(PreparedStatement ps) throws SQLException {
        if (ps.execute()) {
            try (ResultSet rs = ps.getResultSet()) {
                if (rs == null) {
                    return "no result set";
                }
                return rs.next() ? rs.getBigDecimal(1).toPlainString() : "none";
            }
        }
        return Integer.toString(ps.getUpdateCount());
    }

    private static BigDecimal balance(Connection c, long user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT balance FROM wallets WHERE user_id = ?")) {
            ps.setLong(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBigDecimal(1) : null;
            }
        }
    }

    private static List<String> ledger(Connection c, long user) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT amount, balance_after FROM wallet_ledger WHERE user_id = ?"
                + " AND created_at >= ? AND created_at < ? ORDER BY created_at, amount DESC")) {
            ps.setLong(1, user);
            ps.setObject(2, AT.minusDays(1));
            ps.setObject(3, AT.plusDays(1));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getBigDecimal(1).toPlainString() + "/" + rs.getBigDecimal(2).toPlainString());
                }
            }
        }
        return out;
    }
}
