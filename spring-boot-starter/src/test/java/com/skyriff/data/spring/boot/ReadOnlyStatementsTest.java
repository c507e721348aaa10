package com.skyriff.data.spring.boot;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ReadOnlyStatementsTest {

    @Test
    void check_reads_pass() {
        for (String sql : new String[] {"SELECT 1", "  select * from users where user_id = ?", "WITH x AS (SELECT 1)"
                + " SELECT * FROM x", "SHOW search_path", "VALUES (1)", "EXPLAIN SELECT 1",
                "SELECT updated_at FROM users"}) {
            assertThatCode(() -> ReadOnlyStatements.check(sql)).as(sql).doesNotThrowAnyException();
        }
    }

    @Test
    void check_writes_refusedNamingTheKeyword() {
        for (String sql : new String[] {"INSERT INTO users VALUES (1)", "update users set handle = ?",
                "DELETE FROM users", "WITH d AS (DELETE FROM users RETURNING *) SELECT * FROM d",
                "EXPLAIN ANALYZE DELETE FROM users", "TRUNCATE users", "CALL p()"}) {
            assertThatThrownBy(() -> ReadOnlyStatements.check(sql)).as(sql).isInstanceOf(SQLException.class)
                    .hasMessageContaining("statement refused; skyriff.data.read-only-transactions=replicas")
                    .hasFieldOrPropertyWithValue("SQLState", "25006");
        }
    }

    @Test
    void check_insert_messageShape() {
        assertThatThrownBy(() -> ReadOnlyStatements.check("insert into users values (?)"))
                .hasMessage("@Transactional(readOnly = true): INSERT statement refused;"
                        + " skyriff.data.read-only-transactions=replicas runs read-only transactions without a database"
                        + " transaction, so a write would commit at once; was a INSERT, expected a read (SELECT, SHOW,"
                        + " VALUES, TABLE, EXPLAIN, or WITH without INSERT/UPDATE/DELETE), or readOnly = false, or"
                        + " read-only-transactions=primary");
    }
}
