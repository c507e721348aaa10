package com.skyriff.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.guard.RefusedStatementException;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ShardingSphere starts without its own copy of PostgreSQL's catalogs ({@code system-schema-metadata-assembly-enabled:
 * false}; building and persisting that copy was about half of its cold start): a catalog statement through the layer
 * is still refused with the layer's message, on both paths, also where ShardingSphere's binder now fails first (a
 * column of a catalog table it no longer knows, such as {@code pg_settings.name}).
 */
class SystemCatalogIT {
    static SkyriffData on;
    static SkyriffData off;

    @BeforeAll
    static void start() throws SQLException {
        on = start("system_catalog_on_it", true);
        off = start("system_catalog_off_it", false);
    }

    static SkyriffData start(String name, boolean singleShardPath) throws SQLException {
        TestDatabase db = LocalTopology.shared().createDatabase(name);
        for (PgShard shard : db.shards()) {
            SkyriffDataIT.execute(shard.primary(), SkyriffDataIT.SCHEMA);
            shard.awaitReplicaCatchUp(Duration.ofSeconds(30));
        }
        Rules.Builder b = Rules.builder().name(name).bucketCount(64).createMissingMonths(true)
                .singleShardPath(singleShardPath).clock(SkyriffDataIT.CLOCK);
        for (int i = 0; i < db.shards().size(); i++) {
            PgShard s = db.shards().get(i);
            b.shard(new ShardSpec(s.name(), SkyriffDataIT.node(s.primary()),
                    s.replicas().stream().map(SkyriffDataIT::node).toList(), null,
                    List.of(BucketRange.of(i * 32, i * 32 + 31))));
        }
        Rules rules = b.table(TableSpec.user("users", "user_id"))
                .table(TableSpec.userMonth("watch_event", "user_id", "created_at", YearMonth.of(2026, 9), 2)
                        .withId("event_id"))
                .build();
        return SkyriffData.builder().rules(rules).clock(SkyriffDataIT.CLOCK).build();
    }

    @AfterAll
    static void stop() {
        for (SkyriffData d : new SkyriffData[] {on, off}) {
            if (d != null) {
                d.close();
            }
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "pg_settings|SELECT name, setting FROM pg_settings WHERE name = 'max_connections'",
            "pg_type|SELECT typname FROM pg_type WHERE typname = 'int8'",
            "information_schema.schemata|SELECT schema_name FROM information_schema.schemata WHERE schema_name = 'public'",
            "pg_catalog.pg_class|SELECT relname FROM pg_catalog.pg_class WHERE relname = 'users'"})
    void catalogStatement_withoutShardingSpheresCatalogCopy_refusedNamingTheTable(String table, String sql) {
        for (SkyriffData data : List.of(on, off)) {
            Throwable failure = null;
            try (Connection c = data.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(sql)) {
                rs.next();
            } catch (SQLException | RuntimeException e) {
                failure = e;
            }
            assertThat(failure).as("%s (single-shard path %s)", sql, data == on ? "on" : "off")
                    .isInstanceOf(RefusedStatementException.class)
                    .hasMessageStartingWith(table + ": a system catalog query through the layer is refused");
        }
    }
}
