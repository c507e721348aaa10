package com.skyriff.examples.service;

import com.skyriff.data.mybatis.Cached;
import com.skyriff.data.mybatis.Invalidates;
import com.skyriff.data.mybatis.PrimaryOnly;
import com.skyriff.examples.service.Domain.LedgerEntry;
import com.skyriff.examples.service.Domain.Region;
import com.skyriff.examples.service.Domain.User;
import com.skyriff.examples.service.Domain.Video;
import com.skyriff.examples.service.Domain.WatchEvent;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/**
 * The reference service's MyBatis mappers. Every statement names its table's shard key, so the layer's single-shard
 * path runs it as one physical statement on one node of the user's shard (no annotation needed); an insert without its
 * id column gets the id from ShardingSphere's Snowflake generator ({@code useGeneratedKeys}).
 */
public final class Mappers {
    private Mappers() {
    }

    public interface UserMapper {
        @Insert("INSERT INTO users (handle, display_name, region_code, created_at) "
                + "VALUES (#{handle}, #{displayName}, #{regionCode}, #{createdAt})")
        @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "user_id")
        int insert(NewUser user);

        /** Read through the {@code user} cache entity when the rules configure a cache. */
        @Cached(entity = "user")
        @Select("SELECT user_id, handle, display_name, region_code, created_at FROM users WHERE user_id = #{userId}")
        User findById(@Param("userId") long userId);

        @PrimaryOnly
        @Select("SELECT user_id, handle, display_name, region_code, created_at FROM users WHERE user_id = #{userId}")
        User findByIdOnPrimary(@Param("userId") long userId);

        @Invalidates(entity = "user", id = "userId")
        @Update("UPDATE users SET display_name = #{displayName} WHERE user_id = #{userId}")
        int rename(@Param("userId") long userId, @Param("displayName") String displayName);
    }

    /** Insert parameter whose {@code id} MyBatis fills with the generated key. */
    public static final class NewUser {
        public Long id;
        public final String handle;
        public final String displayName;
        public final String regionCode;
        public final OffsetDateTime createdAt;

        public NewUser(String handle, String displayName, String regionCode, OffsetDateTime createdAt) {
            this.handle = handle;
            this.displayName = displayName;
            this.regionCode = regionCode;
            this.createdAt = createdAt;
        }

        public Long getId() {
            return id;
        }

        public void setId(Long id) {
            this.id = id;
        }
    }

    public interface VideoMapper {
        @Insert("INSERT INTO videos (user_id, title, duration_s, created_at) "
                + "VALUES (#{userId}, #{title}, #{durationS}, #{createdAt})")
        @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "video_id")
        int insert(NewVideo video);

        @Update("UPDATE videos SET views = views + 1 WHERE user_id = #{userId} AND video_id = #{videoId}")
        int addView(@Param("userId") long userId, @Param("videoId") long videoId);

        @Select("SELECT video_id, user_id, title, duration_s, views, created_at FROM videos "
                + "WHERE user_id = #{userId} ORDER BY views DESC, video_id LIMIT #{limit}")
        List<Video> topByAuthor(@Param("userId") long userId, @Param("limit") int limit);
    }

    public static final class NewVideo {
        public Long id;
        public final long userId;
        public final String title;
        public final int durationS;
        public final OffsetDateTime createdAt;

        public NewVideo(long userId, String title, int durationS, OffsetDateTime createdAt) {
            this.userId = userId;
            this.title = title;
            this.durationS = durationS;
            this.createdAt = createdAt;
        }

        public Long getId() {
            return id;
        }

        public void setId(Long id) {
            this.id = id;
        }
    }

    public interface FollowMapper {
        @Insert("INSERT INTO follows (follower_id, followee_id, created_at) VALUES (#{follower}, #{followee}, #{at}) "
                + "ON CONFLICT (follower_id, followee_id) DO NOTHING")
        int follow(@Param("follower") long follower, @Param("followee") long followee, @Param("at") OffsetDateTime at);

        @Select("SELECT followee_id FROM follows WHERE follower_id = #{follower} ORDER BY followee_id")
        List<Long> following(@Param("follower") long follower);
    }

    public interface WatchMapper {
        @Insert("INSERT INTO watch_events (user_id, video_id, watched_s, created_at) "
                + "VALUES (#{userId}, #{videoId}, #{watchedS}, #{at})")
        int record(@Param("userId") long userId, @Param("videoId") long videoId, @Param("watchedS") int watchedS,
                   @Param("at") OffsetDateTime at);

        @Select("SELECT event_id, user_id, video_id, watched_s, created_at FROM watch_events "
                + "WHERE user_id = #{userId} AND created_at >= #{from} AND created_at < #{to} "
                + "ORDER BY created_at DESC, event_id DESC LIMIT #{limit} OFFSET #{offset}")
        List<WatchEvent> history(@Param("userId") long userId, @Param("from") OffsetDateTime from,
                                 @Param("to") OffsetDateTime to, @Param("limit") int limit, @Param("offset") int offset);
    }

    public interface WalletMapper {
        @Insert("INSERT INTO wallets (user_id, balance, updated_at) VALUES (#{userId}, 0, #{at}) "
                + "ON CONFLICT (user_id) DO NOTHING")
        int open(@Param("userId") long userId, @Param("at") OffsetDateTime at);

        @Select("SELECT balance FROM wallets WHERE user_id = #{userId} FOR UPDATE")
        BigDecimal balanceForUpdate(@Param("userId") long userId);

        @Select("SELECT balance FROM wallets WHERE user_id = #{userId}")
        BigDecimal balance(@Param("userId") long userId);

        /** Whether the server that answers a balance read is in recovery (a replica); for demos and tests. */
        @Select("SELECT pg_is_in_recovery() FROM wallets WHERE user_id = #{userId}")
        boolean balanceOnWhichServer(@Param("userId") long userId);

        @Update("UPDATE wallets SET balance = #{balance}, updated_at = #{at} WHERE user_id = #{userId}")
        int setBalance(@Param("userId") long userId, @Param("balance") BigDecimal balance, @Param("at") OffsetDateTime at);

        @Insert("INSERT INTO wallet_ledger (user_id, amount, balance_after, kind, created_at) "
                + "VALUES (#{userId}, #{amount}, #{balanceAfter}, #{kind}, #{at})")
        int append(@Param("userId") long userId, @Param("amount") BigDecimal amount,
                   @Param("balanceAfter") BigDecimal balanceAfter, @Param("kind") String kind,
                   @Param("at") OffsetDateTime at);

        @Select("SELECT entry_id, user_id, amount, balance_after, kind, created_at FROM wallet_ledger "
                + "WHERE user_id = #{userId} AND created_at >= #{from} AND created_at < #{to} "
                + "ORDER BY created_at, entry_id")
        List<LedgerEntry> ledger(@Param("userId") long userId, @Param("from") OffsetDateTime from,
                                 @Param("to") OffsetDateTime to);
    }

    public interface RegionMapper {
        @Insert("INSERT INTO regions (code, name) VALUES (#{code}, #{name}) ON CONFLICT (code) DO NOTHING")
        int add(@Param("code") String code, @Param("name") String name);

        @Select("SELECT code, name FROM regions ORDER BY code")
        List<Region> all();
    }

    public static List<Class<?>> all() {
        return List.of(UserMapper.class, VideoMapper.class, FollowMapper.class, WatchMapper.class, WalletMapper.class,
                RegionMapper.class);
    }
}
