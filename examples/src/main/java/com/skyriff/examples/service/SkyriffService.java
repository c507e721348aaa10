package com.skyriff.examples.service;

import com.skyriff.data.mybatis.SkyriffMyBatis;
import com.skyriff.examples.service.Domain.LedgerEntry;
import com.skyriff.examples.service.Domain.User;
import com.skyriff.examples.service.Domain.Video;
import com.skyriff.examples.service.Domain.WatchEvent;
import com.skyriff.examples.service.Mappers.FollowMapper;
import com.skyriff.examples.service.Mappers.NewUser;
import com.skyriff.examples.service.Mappers.NewVideo;
import com.skyriff.examples.service.Mappers.UserMapper;
import com.skyriff.examples.service.Mappers.VideoMapper;
import com.skyriff.examples.service.Mappers.WalletMapper;
import com.skyriff.examples.service.Mappers.WatchMapper;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * The SkyRiff reference service: the operations a video/social service really runs, written once against logical
 * tables. The same code runs on every roadmap phase; only the rules file changes. Thread-safe.
 */
public final class SkyriffService {
    private final SkyriffMyBatis mybatis;
    private final Clock clock;
    private final UserMapper users;
    private final VideoMapper videos;
    private final FollowMapper follows;
    private final WatchMapper watches;
    private final WalletMapper wallets;

    public SkyriffService(SkyriffMyBatis mybatis, Clock clock) {
        this.mybatis = mybatis;
        this.clock = clock;
        this.users = mybatis.mapper(UserMapper.class);
        this.videos = mybatis.mapper(VideoMapper.class);
        this.follows = mybatis.mapper(FollowMapper.class);
        this.watches = mybatis.mapper(WatchMapper.class);
        this.wallets = mybatis.mapper(WalletMapper.class);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }

    /** Registers a user with an empty wallet (one single-shard transaction); returns the new user id. */
    public long registerUser(String handle, String displayName, String regionCode) {
        return mybatis.inTransaction(session -> {
            NewUser u = new NewUser(handle, displayName, regionCode, now());
            session.getMapper(UserMapper.class).insert(u);
            session.getMapper(WalletMapper.class).open(u.id, now());
            return u.id;
        });
    }

    /** A profile, read from a replica. */
    public Optional<User> profile(long userId) {
        return Optional.ofNullable(users.findById(userId));
    }

    /** A profile read from the primary: for the request that has just changed it. */
    public Optional<User> freshProfile(long userId) {
        return Optional.ofNullable(users.findByIdOnPrimary(userId));
    }

    public void rename(long userId, String displayName) {
        users.rename(userId, displayName);
    }

    public long publishVideo(long userId, String title, int durationS) {
        NewVideo v = new NewVideo(userId, title, durationS, now());
        videos.insert(v);
        return v.id;
    }

    public void follow(long follower, long followee) {
        follows.follow(follower, followee, now());
    }

    public List<Long> following(long follower) {
        return follows.following(follower);
    }

    /** Records a watch event and counts the view on the video (two shards at most, two autocommit statements). */
    public void recordWatch(long userId, long authorId, long videoId, int watchedS, OffsetDateTime at) {
        watches.record(userId, videoId, watchedS, at);
        videos.addView(authorId, videoId);
    }

    /**
     * One page of a user's watch history over the last {@code months} calendar months (the current one included),
     * newest first: a time-range read over that many monthly tables of the user's shard.
     */
    public List<WatchEvent> watchHistory(long userId, int months, int page, int pageSize) {
        YearMonth current = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        OffsetDateTime from = current.minusMonths(months - 1L).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime to = current.plusMonths(1).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        return watches.history(userId, from, to, pageSize, page * pageSize);
    }

    public List<Video> topVideos(long authorId, int limit) {
        return videos.topByAuthor(authorId, limit);
    }

    public BigDecimal credit(long userId, BigDecimal amount) {
        return move(userId, amount, "credit");
    }

    /** Debits the wallet if the balance covers it, else throws {@link InsufficientFundsException} and changes nothing. */
    public BigDecimal debit(long userId, BigDecimal amount) {
        return move(userId, amount.negate(), "debit");
    }

    /**
     * Balance update and ledger entry in one transaction on the user's shard primary. The row lock taken by
     * {@code SELECT ... FOR UPDATE} serialises concurrent moves of one wallet: no lost update, no overdraft.
     *
     * <p>On one PostgreSQL this would be one round trip, {@code WITH moved AS (UPDATE wallets ... WHERE balance + ? >= 0
     * RETURNING ...) INSERT INTO wallet_ledger ... SELECT ... FROM moved}, with the lock held only inside the server.
     * Through the layer on ShardingSphere 5.5.2 that statement fails ({@code Table or view 'moved' does not exist}), and
     * so do the shorter shapes ({@code UPDATE ... RETURNING} is refused, an {@code INSERT} taking {@code balance_after}
     * from a subquery is mangled by the key-generation rewrite): {@code WalletMoveIT} checks each against one plain
     * PostgreSQL. Until the layer runs one of them, this four-round-trip transaction is the best shape that works;
     * the benchmarks' {@code WalletBenchmark} measures it against the one statement on the same servers.
     */
    private BigDecimal move(long userId, BigDecimal delta, String kind) {
        if (delta.signum() == 0) {
            throw new IllegalArgumentException("amount must not be zero");
        }
        return mybatis.inTransaction(session -> {
            WalletMapper w = session.getMapper(WalletMapper.class);
            BigDecimal balance = w.balanceForUpdate(userId);
            if (balance == null) {
                throw new IllegalArgumentException("user " + userId + " has no wallet");
            }
            BigDecimal after = balance.add(delta);
            if (after.signum() < 0) {
                throw new InsufficientFundsException(userId, balance, delta.negate());
            }
            OffsetDateTime at = now();
            w.setBalance(userId, after, at);
            w.append(userId, delta, after, kind, at);
            return after;
        });
    }

    public BigDecimal balance(long userId) {
        return wallets.balance(userId);
    }

    public List<LedgerEntry> ledger(long userId, OffsetDateTime from, OffsetDateTime to) {
        return wallets.ledger(userId, from, to);
    }
}
