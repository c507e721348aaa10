package com.skyriff.data.guard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.guard.RefusedStatementException;
import com.skyriff.data.guard.RefusedStatementException.Reason;
import com.skyriff.data.rules.TableSpec;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the layer's connection names a construct ShardingSphere rejected in its parser or binder, from the SQL text alone
 * (the integration test, ConstructsIT, runs each construct against sharded tables).
 */
class ConstructsTest {
    static final Constructs CONSTRUCTS = new Constructs(List.of(TableSpec.user("users", "user_id"),
            TableSpec.userMonth("watch_event", "user_id", "created_at", YearMonth.of(2026, 9), 2),
            TableSpec.broadcast("regions"), TableSpec.single("settings")));

    static String construct(String sql) {
        RefusedStatementException e = CONSTRUCTS.refusal(sql);
        return e == null ? null : e.getMessage().substring(0, e.getMessage().indexOf(" on a sharded table"));
    }

    @Test
    void refusal_eachConstructOnAShardedTable_isNamedWithTheFirstShardedTable() {
        assertThat(construct("SELECT r.code, x.n FROM regions r, users u, LATERAL (SELECT count(*) n FROM watch_event w"
                + " WHERE w.user_id = u.user_id) x")).isEqualTo("users: LATERAL");
        assertThat(construct("select * from \"watch_event\" for share skip locked")).isEqualTo("watch_event: SELECT ..."
                + " FOR SHARE SKIP LOCKED");
        assertThat(construct("UPDATE users SET name = r.name FROM regions r WHERE users.user_id = 1"))
                .isEqualTo("users: UPDATE ... FROM");
        assertThat(construct("UPDATE regions SET name = 'x' FROM users u WHERE u.user_id = 3"))
                .isEqualTo("users: UPDATE ... FROM");
        assertThat(construct("WITH gone AS (SELECT 1) DELETE FROM users USING regions r WHERE r.code = users.name"))
                .isEqualTo("users: DELETE ... USING");
    }

    @Test
    void refusal_namesTheKeyColumnInTheAlternative() {
        assertThat(CONSTRUCTS.refusal("DELETE FROM users u USING regions r WHERE r.code = u.name").getMessage())
                .endsWith("; select the keys of the rows to delete first (with user_id = ?), then DELETE ... WHERE"
                        + " user_id = ? AND <id> IN (...)");
    }

    @Test
    void refusal_constructWordsInLiteralsCommentsOrOtherClauses_areNotConstructs() {
        assertThat(construct("SELECT name FROM users WHERE name = 'SKIP LOCKED' OR name = 'lateral' FOR UPDATE")).isNull();
        assertThat(construct("SELECT name FROM users /* FOR UPDATE SKIP LOCKED */ WHERE user_id = 1")).isNull();
        assertThat(construct("UPDATE users SET score = 1 WHERE name IS DISTINCT FROM ? AND user_id = 1")).isNull();
        assertThat(construct("UPDATE users SET score = (SELECT max(score) FROM users WHERE user_id = 2),"
                + " name = substring(name FROM 2) WHERE user_id = 1")).isNull();
        assertThat(construct("DELETE FROM users WHERE user_id IN (SELECT user_id FROM users JOIN settings USING"
                + " (user_id))")).isNull();
        assertThat(construct("SELECT * FROM users u JOIN regions r USING (code)")).isNull();
    }

    @Test
    void refusal_constructOnUnshardedTablesOnly_isLeftToShardingSphere() {
        assertThat(construct("SELECT r.code, x.n FROM regions r, LATERAL (SELECT count(*) n FROM settings s"
                + " WHERE s.code = r.code) x")).isNull();
        assertThat(construct("UPDATE settings SET v = r.name FROM regions r WHERE r.code = settings.code")).isNull();
    }

    @Test
    void refuse_construct_throwsTheRefusalWithShardingSpheresErrorAsCause() {
        IllegalStateException failure = new IllegalStateException("Unknown column 'u.user_id' in 'where clause'.");
        assertThatThrownBy(() -> CONSTRUCTS.refuse(failure, "SELECT * FROM users u, LATERAL (SELECT u.user_id) x"))
                .isInstanceOf(RefusedStatementException.class)
                .hasMessageStartingWith("users: LATERAL on a sharded table is refused: ShardingSphere 5.5.2 cannot bind")
                .hasCause(failure)
                .satisfies(e -> assertThat(((RefusedStatementException) e).reason()).isEqualTo(Reason.UNSUPPORTED_CONSTRUCT));
    }

    @Test
    void refuse_otherFailure_returnsForTheCallerToRethrow() throws Exception {
        CONSTRUCTS.refuse(new IllegalStateException("boom"), "SELECT * FROM users WHERE user_id = 1");
        CONSTRUCTS.refuse(new IllegalStateException("boom"), null);
    }
}
