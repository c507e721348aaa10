package com.skyriff.data.benchmarks;

import com.skyriff.examples.service.Domain.User;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The three PostgreSQL operations the benchmarks compare, behind one small facade so that the layer and its raw
 * baselines run the same statements on the same rows in the same run (Caffeine's {@code BasicCache}). Every
 * implementation borrows a connection per operation, as an application does, and reads every column.
 */
public interface Db {
    String USER_COLUMNS = "user_id, handle, display_name, region_code, created_at";
    String EVENT_COLUMNS = "event_id, user_id, video_id, watched_s, created_at";
    String ORDER = " ORDER BY created_at DESC, event_id DESC";

    /** A user's profile by id (a replica read); null if there is no such user. */
    User user(long userId) throws SQLException;

    /** Inserts one watch event (the shard's primary, the month table of {@code at}). */
    int insertEvent(long eventId, long userId, long videoId, int watchedS, OffsetDateTime at) throws SQLException;

    /** A user's newest {@code limit} watch events in {@code [from, to)}, newest first (a replica read); a checksum. */
    long history(long userId, OffsetDateTime from, OffsetDateTime to, int limit) throws SQLException;

    /** Which implementation: the {@code @Param} of the database benchmarks. */
    enum Access {
        /** HikariCP straight to the right server and physical table, one UNION ALL for a range. */
        RAW,
        /** As {@link #RAW}, but a range read is one round trip per month table, merged in Java. */
        RAW_TRIPS,
        /** The layer's plain {@code DataSource}, logical SQL: a statement on one shard takes the single-shard path. */
        LAYER,
        /** The same layer with {@code single-shard-path: false}: every statement through ShardingSphere. */
        SHARDINGSPHERE;

        Db open(Fixture f) {
            return switch (this) {
                case RAW -> new Raw(f, false);
                case RAW_TRIPS -> new Raw(f, true);
                case LAYER -> new Layer(f.layer.dataSource());
                case SHARDINGSPHERE -> new Layer(f.shardingSphereLayer().dataSource());
            };
        }
    }

    static User readUser(Connection c, String sql, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new User(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class)) : null;
            }
        }
    }

    static int insert(Connection c, String sql, long eventId, long userId, long videoId, int watchedS,
                      OffsetDateTime at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, eventId);
            ps.setLong(2, userId);
            ps.setLong(3, videoId);
            ps.setInt(4, watchedS);
            ps.setObject(5, at);
            return ps.executeUpdate();
        }
    }

    /** Sums event ids and counts rows, so no implementation can skip reading them. */
    static long checksum(ResultSet rs, int limit) throws SQLException {
        long sum = 0;
        int n = 0;
        while (n < limit && rs.next()) {
            sum += rs.getLong(1) + rs.getLong(2) + rs.getLong(3) + rs.getInt(4)
                    + rs.getObject(5, OffsetDateTime.class).getSecond();
            n++;
        }
        return sum * 31 + n;
    }

    static String insertSql(String table) {
        return "INSERT INTO " + table + " (" + EVENT_COLUMNS + ") VALUES (?, ?, ?, ?, ?)";
    }

    static String rangeSql(String table) {
        return "SELECT " + EVENT_COLUMNS + " FROM " + table + " WHERE user_id = ? AND created_at >= ? AND created_at < ?"
                + ORDER + " LIMIT ?";
    }

    /** One statement over several month tables: each branch takes its own top rows, the outer query merges them. */
    static String unionSql(List<String> tables) {
        StringBuilder sb = new StringBuilder();
        for (String t : tables) {
            if (sb.length() > 0) {
                sb.append(" UNION ALL ");
            }
            sb.append('(').append(rangeSql(t)).append(')');
        }
        return sb.append(ORDER).append(" LIMIT ?").toString();
    }

    static long union(DataSource ds, String sql, int branches, long userId, OffsetDateTime from, OffsetDateTime to,
                      int limit) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (int b = 0; b < branches; b++) {
                ps.setLong(i++, userId);
                ps.setObject(i++, from);
                ps.setObject(i++, to);
                ps.setInt(i++, limit);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                return checksum(rs, limit);
            }
        }
    }

    /** The layer: one logical statement, ShardingSphere routes, rewrites, executes and merges. */
    final class Layer implements Db {
        static final String USER = "SELECT " + USER_COLUMNS + " FROM users WHERE user_id = ?";
        static final String INSERT = insertSql("watch_events");
        static final String RANGE = rangeSql("watch_events");
        private final DataSource ds;

        Layer(DataSource ds) {
            this.ds = ds;
        }

        @Override
        public User user(long userId) throws SQLException {
            try (Connection c = ds.getConnection()) {
                return readUser(c, USER, userId);
            }
        }

        @Override
        public int insertEvent(long eventId, long userId, long videoId, int watchedS, OffsetDateTime at)
                throws SQLException {
            try (Connection c = ds.getConnection()) {
                return insert(c, INSERT, eventId, userId, videoId, watchedS, at);
            }
        }

        @Override
        public long history(long userId, OffsetDateTime from, OffsetDateTime to, int limit) throws SQLException {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(RANGE)) {
                ps.setLong(1, userId);
                ps.setObject(2, from);
                ps.setObject(3, to);
                ps.setInt(4, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    return checksum(rs, limit);
                }
            }
        }
    }

    /** HikariCP straight to the server; the application itself knows the shard map and the month tables. */
    final class Raw implements Db {
        private final Fixture f;
        private final boolean trips;
        private final ConcurrentHashMap<String, String> inserts = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<String, String> ranges = new ConcurrentHashMap<>();
        private final List<String> rangeTables;
        private final String union;

        Raw(Fixture f, boolean trips) {
            this.f = f;
            this.trips = trips;
            List<String> tables = new ArrayList<>();
            for (OffsetDateTime m = f.rangeFrom; m.isBefore(f.rangeTo); m = m.plusMonths(1)) {
                tables.add(Fixture.monthTable("watch_events", m));
            }
            this.rangeTables = List.copyOf(tables);
            this.union = unionSql(rangeTables);
        }

        @Override
        public User user(long userId) throws SQLException {
            try (Connection c = f.rawPool(userId, false).getConnection()) {
                return readUser(c, Layer.USER, userId);
            }
        }

        @Override
        public int insertEvent(long eventId, long userId, long videoId, int watchedS, OffsetDateTime at)
                throws SQLException {
            String sql = inserts.computeIfAbsent(Fixture.monthTable("watch_events", at), Db::insertSql);
            try (Connection c = f.rawPool(userId, true).getConnection()) {
                return insert(c, sql, eventId, userId, videoId, watchedS, at);
            }
        }

        @Override
        public long history(long userId, OffsetDateTime from, OffsetDateTime to, int limit) throws SQLException {
            if (!from.equals(f.rangeFrom) || !to.equals(f.rangeTo)) {
                throw new IllegalArgumentException("Raw.history: only the fixture's range is precomputed");
            }
            if (!trips) {
                return union(f.rawPool(userId, false), union, rangeTables.size(), userId, from, to, limit);
            }
            // one round trip per month table on one connection, newest month first, stop once `limit` rows are in
            long sum = 0;
            int n = 0;
            try (Connection c = f.rawPool(userId, false).getConnection()) {
                for (int i = rangeTables.size() - 1; i >= 0 && n < limit; i--) {
                    String sql = ranges.computeIfAbsent(rangeTables.get(i), Db::rangeSql);
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.setLong(1, userId);
                        ps.setObject(2, from);
                        ps.setObject(3, to);
                        ps.setInt(4, limit - n);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                sum += rs.getLong(1) + rs.getLong(2) + rs.getLong(3) + rs.getInt(4)
                                        + rs.getObject(5, OffsetDateTime.class).getSecond();
                                n++;
                            }
                        }
                    }
                }
            }
            return sum * 31 + n;
        }
    }
}
