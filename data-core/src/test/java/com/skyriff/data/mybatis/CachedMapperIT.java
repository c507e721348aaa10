package com.skyriff.data.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.cache.SkyriffCache;
import com.skyriff.data.rules.CacheEntitySpec;
import com.skyriff.data.rules.CacheSpec;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A mapper's find-by-id backed by the cache, invalidated by the same mapper's writes after commit. */
class CachedMapperIT {

    public record Pet(long ownerId, String name) {
    }

    public interface PetMapper {
        @Insert("INSERT INTO pets (owner_id, name) VALUES (#{ownerId}, #{name})")
        int insert(@Param("ownerId") long ownerId, @Param("name") String name);

        @Cached(entity = "pet")
        @Select("SELECT owner_id, name FROM pets WHERE owner_id = #{ownerId}")
        Pet find(@Param("ownerId") long ownerId);

        @Invalidates(entity = "pet", id = "ownerId")
        @Update("UPDATE pets SET name = #{name} WHERE owner_id = #{ownerId}")
        int rename(@Param("name") String name, @Param("ownerId") long ownerId);
    }

    static TestDatabase db;
    static SkyriffData data;
    static SkyriffCache cache;
    static SkyriffMyBatis mybatis;
    static PetMapper pets;

    @BeforeAll
    static void start() throws SQLException {
        LocalTopology topology = LocalTopology.shared();
        db = topology.createDatabase("cached_mapper_it");
        PgShard s = db.shards().get(0);
        exec(s.primary(), "CREATE TABLE pets (owner_id bigint PRIMARY KEY, name text NOT NULL)");
        s.awaitReplicaCatchUp(Duration.ofSeconds(30));
        Rules rules = Rules.builder().name("cached_mapper_it")
                .shard(ShardSpec.of("shard0", node(s.primary()), node(s.replicas().get(0))))
                .table(TableSpec.user("pets", "owner_id"))
                .cache(CacheSpec.builder().namespace("cached_mapper_it").address(topology.redis().uri())
                        .entity(CacheEntitySpec.of("pet"))
                        .build())
                .build();
        data = SkyriffData.builder().rules(rules).build();
        cache = SkyriffCache.builder(data).build();
        mybatis = SkyriffMyBatis.builder(data).cache(cache).mapper(PetMapper.class).build();
        pets = mybatis.mapper(PetMapper.class);
    }

    @AfterAll
    static void stop() {
        if (cache != null) {
            cache.close();
        }
        if (data != null) {
            data.close();
        }
    }

    static NodeSpec node(PgNode n) {
        return NodeSpec.of(n.jdbcUrl(), n.user(), n.password());
    }

    static void exec(PgNode n, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(n.jdbcUrl(), n.user(), n.password()); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void find_secondCall_isServedFromTheCache() throws SQLException {
        pets.insert(1L, "rex");
        assertThat(pets.find(1L)).isEqualTo(new Pet(1L, "rex"));
        // a change behind the layer's back: only a cache hit still answers "rex"
        exec(db.shards().get(0).primary(), "UPDATE pets SET name = 'changed-behind-the-layer' WHERE owner_id = 1");
        db.shards().get(0).awaitReplicaCatchUp(Duration.ofSeconds(10));
        assertThat(pets.find(1L).name()).isEqualTo("rex");
    }

    @Test
    void rename_throughTheMapper_invalidatesSoTheNextFindSeesIt() {
        pets.insert(2L, "tom");
        assertThat(pets.find(2L).name()).isEqualTo("tom");
        pets.rename("jerry", 2L);
        assertThat(pets.find(2L).name()).isEqualTo("jerry");
    }

    @Test
    void rename_inRolledBackTransaction_leavesTheCachedValue() {
        pets.insert(3L, "kitty");
        assertThat(pets.find(3L).name()).isEqualTo("kitty");
        assertThatThrownBy(() -> mybatis.inTransaction(session -> {
            pets.rename("gone", 3L);
            throw new IllegalStateException("rollback");
        })).hasMessage("rollback");
        assertThat(pets.find(3L).name()).isEqualTo("kitty");
    }

    @Test
    void find_missingRow_returnsNull() {
        assertThat(pets.find(404L)).isNull();
    }

    @Test
    void build_cachedMethodWithTwoArguments_isRefused() {
        interface Bad {
            @Cached(entity = "pet")
            @Select("SELECT owner_id, name FROM pets WHERE owner_id = #{a} AND name = #{b}")
            Pet find(@Param("a") long a, @Param("b") String b);
        }
        assertThatThrownBy(() -> SkyriffMyBatis.builder(data).cache(cache).mapper(Bad.class).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Bad.find: @Cached needs exactly one argument, the id; has 2");
    }
}
