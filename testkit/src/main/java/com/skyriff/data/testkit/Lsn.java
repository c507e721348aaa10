package com.skyriff.data.testkit;

/** PostgreSQL WAL positions ({@code 16/B374D848}) as longs. Stateless. */
final class Lsn {
    private static final long PAGE = 8192;
    private static final long SEGMENT = 16L * 1024 * 1024;
    private static final long SHORT_PAGE_HEADER = 24;
    private static final long LONG_PAGE_HEADER = 40;

    private Lsn() {
    }

    static long parse(String lsn) {
        if (lsn == null) {
            return 0;
        }
        int slash = lsn.indexOf('/');
        return (Long.parseLong(lsn.substring(0, slash), 16) << 32) | Long.parseLong(lsn.substring(slash + 1), 16);
    }

    /**
     * The end of the last record before insert position {@code insertLsn}. {@code pg_current_wal_insert_lsn()} points
     * past the page header when the last record ended exactly at a page boundary, while a standby's
     * {@code pg_last_wal_replay_lsn()} is the end of the record: without this, a wait could never finish on an idle
     * server. Assumes the default 8 kB pages and 16 MB segments, which {@code initdb} gives us.
     */
    static long endOfRecords(long insertLsn) {
        if (insertLsn % SEGMENT == LONG_PAGE_HEADER) {
            return insertLsn - LONG_PAGE_HEADER;
        }
        if (insertLsn % PAGE == SHORT_PAGE_HEADER) {
            return insertLsn - SHORT_PAGE_HEADER;
        }
        return insertLsn;
    }
}
