package com.skyriff.data.benchmarks;

import com.skyriff.examples.service.Domain.User;
import com.skyriff.examples.service.Domain.Video;
import com.skyriff.examples.service.Domain.WatchEvent;
import com.skyriff.examples.service.InsufficientFundsException;
import com.skyriff.examples.service.SkyriffService;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mixed workload's operations behind one small facade (Caffeine's {@code BasicCache}), so that the reference
 * service over the layer and its raw twin run in one process, one run, on the same data and keys. Thread-safe.
 */
interface MixedOps {
    Object profile(long user) throws SQLException;

    Object watchHistory(long user) throws SQLException;

    void recordWatch(long user, long author, long video, int watchedS, OffsetDateTime at) throws SQLException;

    Object topVideos(long author) throws SQLException;

    void follow(long follower, long followee) throws SQLException;

    long publishVideo(long user, String title, int durationS) throws SQLException;

    BigDecimal credit(long user, BigDecimal amount) throws SQLException;

    BigDecimal debit(long user, BigDecimal amount) throws SQLException;

    /** The reference service ({@code SkyriffService}: MyBatis mappers over the layer). */
    record Layer(SkyriffService service) implements MixedOps {
        @Override
        public Object profile(long user) {
            return service.profile(user);
        }

        @Override
        public Object watchHistory(long user) {
            return service.watchHistory(user, 3, 0, 20);
        }

        @Override
        public void recordWatch(long user, long author, long video, int watchedS, OffsetDateTime at) {
            service.recordWatch(user, author, video, watchedS, at);
        }

        @Override
        public Object topVideos(long author) {
            return service.topVideos(author, 10);
        }

        @Override
        public void follow(long follower, long followee) {
            service.follow(follower, followee);
        }

        @Override
        public long publishVideo(long user, String title, int durationS) {
            return service.publishVideo(user, title, durationS);
        }

        @Override
        public BigDecimal credit(long user, BigDecimal amount) {
            return service.credit(user, amount);
        }

        @Override
        public BigDecimal debit(long user, BigDecimal amount) {
            return service.debit(user, amount);
        }
    }

    /**
     * The raw twin: the service's operations with the same statements and keys, written by hand on plain HikariCP
     * pools to the nodes the rules compute (bucket to shard, the month table by name, the shard's replica for reads
     * and its primary for writes), no layer. The three-month history is one {@code UNION ALL} on the replica, as a
     * hand-written application would send it; ids come from a counter (the layer's come from its Snowflake
     * generator); the wallet move is the same transaction as the service's ({@code SELECT ... FOR UPDATE}, update,
     * ledger insert, commit).
     */
    final class Raw implements MixedOps {
        static final String USER = "SELECT user_id, handle, display_name, region_code, created_at FROM users"
                + " WHERE user_id = ?";
        static final String ADD_VIEW = "UPDATE videos SET views = views + 1 WHERE user_id = ? AND video_id = ?";
        static final String TOP = "SELECT video_id, user_id, title, duration_s, views, created_at FROM videos"
                + " WHERE user_id = ? ORDER BY views DESC, video_id LIMIT ?";
        static final String FOLLOW = "INSERT INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (follower_id, followee_id) DO NOTHING";
        static final String PUBLISH = "INSERT INTO videos (video_id, user_id, title, duration_s, created_at)"
                + " VALUES (?, ?, ?, ?, ?)";
        static final String FOR_UPDATE = "SELECT balance FROM wallets WHERE user_id = ? FOR UPDATE";
        static final String SET_BALANCE = "UPDATE wallets SET balance = ?, updated_at = ? WHERE user_id = ?";
        /** Ids of this JVM's raw writes: above every seeded id, far from the Snowflake ids of the layer. */
        private static final AtomicLong IDS = new AtomicLong(2 * Fixture.FIRST_WORKLOAD_ID);

        private final Fixture f;
        private final String history;
        private final int branches;
        private final ConcurrentHashMap<String, String> inserts = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<String, String> ledgers = new ConcurrentHashMap<>();

        Raw(Fixture f) {
            this.f = f;
            List<String> tables = new ArrayList<>();
            for (OffsetDateTime m = f.rangeFrom; m.isBefore(f.rangeTo); m = m.plusMonths(1)) {
                tables.add(Fixture.monthTable("watch_events", m));
            }
            this.branches = tables.size();
            this.history = Db.unionSql(tables) + " OFFSET ?";
        }

        @Override
        public Object profile(long user) throws SQLException {
            try (Connection c = f.rawPool(user, false).getConnection()) {
                return Db.readUser(c, USER, user);
            }
        }

        @Override
        public Object watchHistory(long user) throws SQLException {
            try (Connection c = f.rawPool(user, false).getConnection(); PreparedStatement ps = c.prepareStatement(history)) {
                int i = 1;
                for (int b = 0; b < branches; b++) {
                    ps.setLong(i++, user);
                    ps.setObject(i++, f.rangeFrom);
                    ps.setObject(i++, f.rangeTo);
                    ps.setInt(i++, 20);
                }
                ps.setInt(i++, 20);
                ps.setInt(i, 0);
                List<WatchEvent> out = new ArrayList<>(20);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new WatchEvent(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getInt(4),
                                rs.getObject(5, OffsetDateTime.class)));
                    }
                }
                return out;
            }
        }

        @Override
        public void recordWatch(long user, long author, long video, int watchedS, OffsetDateTime at)
                throws SQLException {
            String sql = inserts.computeIfAbsent(Fixture.monthTable("watch_events", at), Db::insertSql);
            try (Connection c = f.rawPool(user, true).getConnection()) {
                Db.insert(c, sql, IDS.incrementAndGet(), user, video, watchedS, at);
            }
            try (Connection c = f.rawPool(author, true).getConnection(); PreparedStatement ps = c.prepareStatement(ADD_VIEW)) {
                ps.setLong(1, author);
                ps.setLong(2, video);
                ps.executeUpdate();
            }
        }

        @Override
        public Object topVideos(long author) throws SQLException {
            try (Connection c = f.rawPool(author, false).getConnection(); PreparedStatement ps = c.prepareStatement(TOP)) {
                ps.setLong(1, author);
                ps.setInt(2, 10);
                List<Video> out = new ArrayList<>(10);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Video(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getLong(5),
                                rs.getObject(6, OffsetDateTime.class)));
                    }
                }
                return out;
            }
        }

        @Override
        public void follow(long follower, long followee) throws SQLException {
            try (Connection c = f.rawPool(follower, true).getConnection(); PreparedStatement ps = c.prepareStatement(FOLLOW)) {
                ps.setLong(1, follower);
                ps.setLong(2, followee);
                ps.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
                ps.executeUpdate();
            }
        }

        @Override
        public long publishVideo(long user, String title, int durationS) throws SQLException {
            long id = IDS.incrementAndGet();
            try (Connection c = f.rawPool(user, true).getConnection(); PreparedStatement ps = c.prepareStatement(PUBLISH)) {
                ps.setLong(1, id);
                ps.setLong(2, user);
                ps.setString(3, title);
                ps.setInt(4, durationS);
                ps.setObject(5, OffsetDateTime.now(ZoneOffset.UTC));
                ps.executeUpdate();
            }
            return id;
        }

        @Override
        public BigDecimal credit(long user, BigDecimal amount) throws SQLException {
            return move(user, amount, "credit");
        }

        @Override
        public BigDecimal debit(long user, BigDecimal amount) throws SQLException {
            return move(user, amount.negate(), "debit");
        }

        /** The service's wallet transaction, by hand, on the user's shard primary. */
        BigDecimal move(long user, BigDecimal delta, String kind) throws SQLException {
            OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
            String ledger = ledgers.computeIfAbsent(Fixture.monthTable("wallet_ledger", at), t -> "INSERT INTO " + t
                    + " (entry_id, user_id, amount, balance_after, kind, created_at) VALUES (?, ?, ?, ?, ?, ?)");
            try (Connection c = f.rawPool(user, true).getConnection()) {
                c.setAutoCommit(false);
                try {
                    BigDecimal balance;
                    try (PreparedStatement ps = c.prepareStatement(FOR_UPDATE)) {
                        ps.setLong(1, user);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (!rs.next()) {
                                throw new IllegalArgumentException("user " + user + " has no wallet");
                            }
                            balance = rs.getBigDecimal(1);
                        }
                    }
                    BigDecimal after = balance.add(delta);
                    if (after.signum() < 0) {
                        throw new InsufficientFundsException(user, balance, delta.negate());
                    }
                    try (PreparedStatement ps = c.prepareStatement(SET_BALANCE)) {
                        ps.setBigDecimal(1, after);
                        ps.setObject(2, at);
                        ps.setLong(3, user);
                        ps.executeUpdate();
                    }
                    try (PreparedStatement ps = c.prepareStatement(ledger)) {
                        ps.setLong(1, IDS.incrementAndGet());
                        ps.setLong(2, user);
                        ps.setBigDecimal(3, delta);
                        ps.setBigDecimal(4, after);
                        ps.setString(5, kind);
                        ps.setObject(6, at);
                        ps.executeUpdate();
                    }
                    c.commit();
                    return after;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            }
        }
    }

    /** Sanity check at setup: a profile read returns the seeded user. */
    static void check(MixedOps ops, Fixture f) throws SQLException {
        Object p = ops.profile(f.users[0]);
        Object user = p instanceof java.util.Optional<?> o ? o.orElse(null) : p;
        if (!(user instanceof User u) || u.userId() != f.users[0]) {
            throw new IllegalStateException(ops.getClass().getSimpleName() + ": does not see seeded user "
                    + f.users[0] + "; got " + p);
        }
    }
}
