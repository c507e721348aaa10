package com.skyriff.data.mybatis;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a mapper method on the layer's key-routed fast path ({@link com.skyriff.data.KeyRouter}) instead of through
 * ShardingSphere: the node is computed from the user id argument by the same algorithm objects ShardingSphere routes
 * with, and the statement runs on that node's pool as written. Reads go to the replica the shard's load balancer picks
 * (the primary for {@link PrimaryOnly} methods and inside a primary scope), writes to the primary.
 *
 * <p>Applies when {@link #table()} is sharded by user only ({@code strategy: user}), the call is outside a
 * transaction and no ShardingSphere hint is set; otherwise the method runs through ShardingSphere as if unannotated,
 * so the same mapper works on every roadmap phase (a table that becomes {@code user+month} in a later rules file just
 * goes back to ShardingSphere). The statement must touch only {@code table} (and broadcast tables): it runs on one node
 * and is not seen by the statement guard. {@code table} must be a table of the rules and {@code user} a {@code @Param}
 * of the method, checked when the {@link SkyriffMyBatis} is built.
 *
 * <pre>{@code
 * @KeyRouted(table = "users", user = "userId")
 * @Select("SELECT user_id, handle FROM users WHERE user_id = #{userId}")
 * User findById(@Param("userId") long userId);
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface KeyRouted {
    /** The logical table the statement addresses, as in the rules' {@code tables:}. */
    String table();

    /** The {@code @Param} name of the argument holding the user id (a {@code long}/{@code Long}). */
    String user();
}
