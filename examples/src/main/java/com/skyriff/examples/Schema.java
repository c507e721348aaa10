package com.skyriff.examples;

import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/** Applies the reference service's logical schema (the template tables) to every shard primary. */
public final class Schema {
    public static final String MIGRATION = "/db/skyriff/V1__skyriff_domain.sql";

    private Schema() {
    }

    public static void apply(List<PgShard> shards) {
        String sql = text();
        for (PgShard s : shards) {
            PgNode p = s.primary();
            try (Connection c = DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password());
                 Statement st = c.createStatement()) {
                st.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(s.name() + " primary - schema failed: " + e.getMessage(), e);
            }
        }
        for (PgShard s : shards) {
            s.awaitReplicaCatchUp(Duration.ofSeconds(60));
        }
    }

    static String text() {
        try (InputStream in = Schema.class.getResourceAsStream(MIGRATION)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
