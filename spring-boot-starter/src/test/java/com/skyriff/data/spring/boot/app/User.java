package com.skyriff.data.spring.boot.app;

/** A row of {@code users}; a bean so both MyBatis and the cache's JSON codec build it. */
public class User {
    private long userId;
    private String handle;

    public User() {
    }

    public User(long userId, String handle) {
        this.userId = userId;
        this.handle = handle;
    }

    public long getUserId() {
        return userId;
    }

    public void setUserId(long userId) {
        this.userId = userId;
    }

    public String getHandle() {
        return handle;
    }

    public void setHandle(String handle) {
        this.handle = handle;
    }
}
