package com.skyriff.data.mybatis;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Backs a one-argument find-by-id mapper method with the cache entity {@link #entity()} (read-through: a hit skips the
 * database, a miss loads through the mapper and caches the row, or its absence). The argument is the id. Works when
 * {@link SkyriffMyBatis.Builder#cache} is set; inside a transaction the cache is bypassed.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Cached {
    /** The entity under {@code cache.entities} in the rules. */
    String entity();
}
