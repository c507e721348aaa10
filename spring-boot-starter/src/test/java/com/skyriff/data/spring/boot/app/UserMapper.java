package com.skyriff.data.spring.boot.app;

import com.skyriff.data.mybatis.Cached;
import com.skyriff.data.mybatis.Invalidates;
import com.skyriff.data.mybatis.PrimaryOnly;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/** A mapper found by mybatis-spring-boot's scan (@Mapper), with every layer annotation. */
@Mapper
public interface UserMapper {

    @Insert("INSERT INTO users (user_id, handle) VALUES (#{userId}, #{handle})")
    int insert(@Param("userId") long userId, @Param("handle") String handle);

    @Cached(entity = "user")
    @Select("SELECT user_id, handle FROM users WHERE user_id = #{userId}")
    User findById(@Param("userId") long userId);

    @Invalidates(entity = "user", id = "userId")
    @Update("UPDATE users SET handle = #{handle} WHERE user_id = #{userId}")
    int rename(@Param("userId") long userId, @Param("handle") String handle);

    @Select("SELECT pg_is_in_recovery() AS replica, inet_server_port() AS port FROM users WHERE user_id = #{userId}")
    Server serverOf(@Param("userId") long userId);

    @PrimaryOnly
    @Select("SELECT pg_is_in_recovery() AS replica, inet_server_port() AS port FROM users WHERE user_id = #{userId}")
    Server serverOfPrimaryOnly(@Param("userId") long userId);
}
