package com.skyriff.data.spring.boot.readme;

/** The README quick start's row type. */
public record User(long userId, String handle) {
}
