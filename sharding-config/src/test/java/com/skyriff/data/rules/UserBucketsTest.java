package com.skyriff.data.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserBucketsTest {

    @Test
    void userId_wholeNumbersOfEveryType_areTheSameId() {
        for (Object v : new Object[] {5L, 5, (short) 5, (byte) 5, java.math.BigInteger.valueOf(5),
                new java.math.BigDecimal("5"), new java.math.BigDecimal("5.00"), 5.0d, 5.0f, "5", " 5 "}) {
            assertThat(UserBuckets.userId("users", "user_id", v)).as("%s (%s)", v, v.getClass().getSimpleName())
                    .isEqualTo(5L);
        }
    }

    @Test
    void userId_notAWholeNumber_isRefusedNeverTruncated() {
        for (Object v : new Object[] {5.5d, 5.5f, new java.math.BigDecimal("5.5"), "5.5", "abc", null,
                java.math.BigInteger.ONE.shiftLeft(70), 1e30d, Double.NaN, new Object()}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> UserBuckets.userId("users", "user_id", v))
                    .as("%s", v).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("users.user_id must be a whole-number user id; was ");
        }
    }

    @Test
    void encodeDecode_roundTrip_keepsEveryBucketsShard() {
        UserBuckets b = UserBuckets.decode(8, "shard0=0-2,6;shard1=3-5,7");
        assertThat(b.encode()).isEqualTo("shard0=0-2,6;shard1=3-5,7");
        assertThat(b.shardOfBucket(6)).isEqualTo("shard0");
        assertThat(b.shardOfBucket(7)).isEqualTo("shard1");
    }

    @Test
    void bucketOf_sequentialSnowflakeLikeIds_spreadEvenly() {
        Map<Integer, Integer> counts = new HashMap<>();
        long base = 1_234_567L << 22; // ids from one millisecond differ only in the low bits
        for (long i = 0; i < 64_000; i++) {
            counts.merge(UserBuckets.bucketOf(base + i, 64), 1, Integer::sum);
        }
        assertThat(counts).hasSize(64);
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(800, 1200));
    }

    @Test
    void shardOf_growingFromTwoToFourShards_movesOnlyReassignedBuckets() {
        UserBuckets two = UserBuckets.decode(16, "shard0=0-7;shard1=8-15");
        UserBuckets four = UserBuckets.decode(16, "shard0=0-3;shard2=4-7;shard1=8-11;shard3=12-15");
        int moved = 0;
        for (long user = 1; user <= 10_000; user++) {
            int bucket = two.bucketOf(user);
            assertThat(four.bucketOf(user)).isEqualTo(bucket);
            if (!two.shardOf(user).equals(four.shardOf(user))) {
                moved++;
                assertThat(bucket).satisfiesAnyOf(x -> assertThat(x).isBetween(4, 7), x -> assertThat(x).isBetween(12, 15));
            }
        }
        assertThat(moved).isBetween(4_000, 6_000);
    }
}
