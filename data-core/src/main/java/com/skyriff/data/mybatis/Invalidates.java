package com.skyriff.data.mybatis;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a mapper write whose row is cached as {@link #entity()}: after the write commits (at once for an autocommit
 * call, after the enclosing transaction's commit otherwise, never on rollback) the row's cache entry is invalidated.
 * The id is the method's first argument, or the argument named {@link #id()} (its {@code @Param} name).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Invalidates {
    String entity();

    /** The {@code @Param} name of the id argument; empty means the first argument. */
    String id() default "";
}
