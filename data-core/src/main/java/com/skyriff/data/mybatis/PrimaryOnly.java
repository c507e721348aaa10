package com.skyriff.data.mybatis;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a mapper method whose reads must see the latest write: it always runs on the shard primaries, also outside a
 * transaction. Use it for the few reads that follow a write in the same request; everything else reads replicas.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface PrimaryOnly {
}
