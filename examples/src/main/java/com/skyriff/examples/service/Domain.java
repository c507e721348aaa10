package com.skyriff.examples.service;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** The SkyRiff reference domain: plain immutable records, mapped by MyBatis through their constructors. */
public final class Domain {
    private Domain() {
    }

    public record User(long userId, String handle, String displayName, String regionCode, OffsetDateTime createdAt)
            implements java.io.Serializable {
    }

    public record Video(long videoId, long userId, String title, int durationS, long views, OffsetDateTime createdAt) {
    }

    public record WatchEvent(long eventId, long userId, long videoId, int watchedS, OffsetDateTime createdAt) {
    }

    public record LedgerEntry(long entryId, long userId, BigDecimal amount, BigDecimal balanceAfter, String kind,
                              OffsetDateTime createdAt) {
    }

    public record Region(String code, String name) {
    }
}
