package com.skyriff.data.spring.boot;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.SkyriffData;
import java.sql.SQLException;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The read-only connection's check, with the layer's own classification of statements (its parse tree). */
class ReadOnlyStatementsTest {
    static final Predicate<String> LAYER = SkyriffData::readsOnlyStatement;

    @Test
    void check_reads_pass() {
        for (String sql : new String[] {"SELECT 1", "  select * from users where user_id = ?", "WITH x AS (SELECT 1)"
                + " SELECT * FROM x", "SHOW search_path", "EXPLAIN SELECT 1", "SELECT updated_at FROM users",
                // words of writes inside literals and identifiers are not statements
                "WITH x AS (SELECT 'insert' AS w, 'delete' AS d) SELECT * FROM x",
                "EXPLAIN SELECT \"update\" FROM users WHERE note = 'DELETE FROM users'"}) {
            assertThatCode(() -> ReadOnlyStatements.check(sql, LAYER)).as(sql).doesNotThrowAnyException();
        }
    }

    @Test
    void check_writes_refusedNamingTheKeyword() {
        for (String sql : new String[] {"INSERT INTO users VALUES (1)", "update users set handle = ?",
                "DELETE FROM users", "WITH d AS (DELETE FROM users RETURNING *) SELECT * FROM d",
                "EXPLAIN ANALYZE DELETE FROM users", "EXPLAIN ANALYZE SELECT 1", "TRUNCATE users", "CALL p()",
                "SELECT * FROM users WHERE user_id = ? FOR UPDATE", "SET search_path = x", "not sql at all"}) {
            assertThatThrownBy(() -> ReadOnlyStatements.check(sql, LAYER)).as(sql).isInstanceOf(SQLException.class)
                    .hasMessageContaining("statement refused; skyriff.data.read-only-transactions=replicas")
                    .hasFieldOrPropertyWithValue("SQLState", "25006");
        }
    }

    @Test
    void check_insert_messageShape() {
        assertThatThrownBy(() -> ReadOnlyStatements.check("insert into users values (?)", LAYER))
                .hasMessage("@Transactional(readOnly = true): INSERT statement refused;"
                        + " skyriff.data.read-only-transactions=replicas runs read-only transactions without a database"
                        + " transaction, so a write would commit at once; was a INSERT, expected a read (SELECT"
                        + " without FOR UPDATE/SHARE or a data-modifying WITH, SHOW, or EXPLAIN without ANALYZE), or"
                        + " readOnly = false, or read-only-transactions=primary");
    }
}
