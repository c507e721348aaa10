package com.skyriff.data.spring.boot.readme;

import com.skyriff.data.mybatis.Cached;
import com.skyriff.data.mybatis.Invalidates;
import com.skyriff.data.mybatis.PrimaryOnly;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

// tag::readme[]
@Mapper                                                        // scanned by mybatis-spring-boot-starter
public interface UserMapper {
    @Cached(entity = "user")                                   // Redis read-through (cache.entities.user)
    @Select("SELECT user_id, handle FROM users WHERE user_id = #{userId}")
    User findById(@Param("userId") long userId);               // a miss reads user 42's shard

    @PrimaryOnly                                               // must see the latest write
    @Select("SELECT user_id, handle FROM users WHERE user_id = #{userId}")
    User findFresh(@Param("userId") long userId);

    @Invalidates(entity = "user", id = "userId")               // evicted after the commit, never on rollback
    @Update("UPDATE users SET handle = #{handle} WHERE user_id = #{userId}")
    int rename(@Param("userId") long userId, @Param("handle") String handle);
}
// end::readme[]
