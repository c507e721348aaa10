package com.skyriff.data;

import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.TableSpec;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes sure every month table of every window exists on every shard primary before ShardingSphere routes to it.
 * A month table is created from its logical table, which serves as the template on each shard
 * ({@code CREATE TABLE watch_event_202612 (LIKE watch_event INCLUDING ALL)}), only when the rules say
 * {@code create-missing-months: true}; otherwise missing tables are a startup error that lists them.
 */
final class MonthTables {
    private MonthTables() {
    }

    static void prepare(Rules rules, Map<String, HikariDataSource> pools, Clock clock) throws SQLException {
        List<TableSpec> monthly = rules.tables().values().stream().filter(t -> t.strategy().byMonth()).toList();
        if (monthly.isEmpty()) {
            return;
        }
        List<String> missing = new ArrayList<>();
        for (PhysicalNode node : rules.nodes()) {
            if (!node.primary()) {
                continue;
            }
            try (Connection c = pools.get(node.dataSourceName()).getConnection()) {
                Set<String> existing = existingTables(c);
                for (TableSpec t : monthly) {
                    if (!rules.shardsOf(t).contains(node.shard())) {
                        continue;
                    }
                    for (String physical : rules.physicalTables(t, clock)) {
                        if (existing.contains(physical)) {
                            continue;
                        }
                        if (!rules.createMissingMonths()) {
                            missing.add(node.shard() + "." + physical);
                        } else if (!existing.contains(t.name())) {
                            throw new SkyriffDataException(node.describe() + " - cannot create month table " + physical
                                    + ": its template table " + t.name() + " does not exist (apply the migrations first)");
                        } else {
                            try (Statement s = c.createStatement()) {
                                s.execute("CREATE TABLE IF NOT EXISTS " + physical + " (LIKE " + t.name() + " INCLUDING ALL)");
                            }
                        }
                    }
                }
            } catch (SQLException e) {
                throw new SkyriffDataException(node.describe() + " - cannot check month tables at " + node.spec().url()
                        + ": " + e.getMessage(), e);
            }
        }
        if (!missing.isEmpty()) {
            throw new SkyriffDataException(rules.name() + " - " + missing.size() + " month tables of the rules' windows "
                    + "do not exist: " + abbreviate(missing) + "; create them (skyriff months --ahead) or set "
                    + "create-missing-months: true");
        }
    }

    private static Set<String> existingTables(Connection c) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 6 ? names.toString()
                : names.subList(0, 6) + " and " + (names.size() - 6) + " more";
    }
}
