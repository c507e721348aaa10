package com.skyriff.data.rules;

import java.util.Arrays;
import java.util.List;

/**
 * Maps a user id to one of a fixed number of virtual buckets, and each bucket to a shard. Growing from 2 to 4 shards
 * reassigns whole buckets; the hash never changes, so a user's bucket never does. Immutable, thread-safe.
 *
 * <p>bucket = floorMod(mix64(userId), bucketCount), where mix64 is the MurmurHash3 64-bit finalizer. Hashing (rather
 * than {@code id % n}) keeps Snowflake ids, whose low bits are a per-millisecond sequence, evenly spread.
 */
public final class UserBuckets {
    private final int[] shardOfBucket;
    private final List<String> shardNames;

    UserBuckets(int[] shardOfBucket, List<String> shardNames) {
        this.shardOfBucket = shardOfBucket;
        this.shardNames = List.copyOf(shardNames);
    }

    /** From an encoded assignment as written by {@link #encode()}: {@code shard0=0-511;shard1=512-1023}. */
    public static UserBuckets decode(int bucketCount, String encoded) {
        int[] owner = new int[bucketCount];
        Arrays.fill(owner, -1);
        List<String> names = new java.util.ArrayList<>();
        for (String part : encoded.split(";")) {
            int eq = part.indexOf('=');
            String shard = part.substring(0, eq);
            int idx = names.indexOf(shard);
            if (idx < 0) {
                names.add(shard);
                idx = names.size() - 1;
            }
            for (String r : part.substring(eq + 1).split(",")) {
                BucketRange range = BucketRange.parse(r);
                for (int b = range.from(); b <= range.to(); b++) {
                    owner[b] = idx;
                }
            }
        }
        for (int b = 0; b < bucketCount; b++) {
            if (owner[b] < 0) {
                throw new IllegalArgumentException("bucket " + b + " has no shard in '" + encoded + "'");
            }
        }
        return new UserBuckets(owner, names);
    }

    /**
     * The user id a shard-key value stands for, for every path that routes by user id (ShardingSphere's algorithm,
     * the guard, the single-shard path): {@code Long}, {@code Integer}, {@code Short}, {@code Byte}, a
     * {@code BigInteger} or {@code BigDecimal} with a whole value in the long range, a {@code Double} or {@code Float}
     * with a whole value (5.0), and decimal-digit text. Anything else (5.5, "abc", null) is refused, never truncated.
     *
     * @throws IllegalArgumentException naming {@code table.column} and the value
     */
    public static long userId(String table, String column, Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        try {
            if (v instanceof java.math.BigInteger b) {
                return b.longValueExact();
            }
            if (v instanceof java.math.BigDecimal d) {
                return d.longValueExact();
            }
        } catch (ArithmeticException e) {
            // fall through to the error below
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
                return (long) d;
            }
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException(table + "." + column + " must be a whole-number user id; was "
                + (v == null ? "null" : v.getClass().getSimpleName() + " '" + v + "'"));
    }

    public static int bucketOf(long userId, int bucketCount) {
        return (int) Math.floorMod(mix64(userId), (long) bucketCount);
    }

    public int bucketOf(long userId) {
        return bucketOf(userId, shardOfBucket.length);
    }

    public String shardOf(long userId) {
        return shardNames.get(shardOfBucket[bucketOf(userId)]);
    }

    public String shardOfBucket(int bucket) {
        return shardNames.get(shardOfBucket[bucket]);
    }

    public int bucketCount() {
        return shardOfBucket.length;
    }

    public List<String> shardNames() {
        return shardNames;
    }

    /** {@code shard0=0-511;shard1=512-1023}: compact, order-preserving, read back by {@link #decode}. */
    public String encode() {
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < shardNames.size(); s++) {
            if (sb.length() > 0) {
                sb.append(';');
            }
            sb.append(shardNames.get(s)).append('=');
            boolean first = true;
            int b = 0;
            while (b < shardOfBucket.length) {
                if (shardOfBucket[b] != s) {
                    b++;
                    continue;
                }
                int start = b;
                while (b + 1 < shardOfBucket.length && shardOfBucket[b + 1] == s) {
                    b++;
                }
                if (!first) {
                    sb.append(',');
                }
                sb.append(new BucketRange(start, b));
                first = false;
                b++;
            }
        }
        return sb.toString();
    }

    /** MurmurHash3's fmix64: a cheap bijective mix with good avalanche. */
    static long mix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
