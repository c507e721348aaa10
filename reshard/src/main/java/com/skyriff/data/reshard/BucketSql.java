package com.skyriff.data.reshard;

import com.skyriff.data.rules.BucketRange;
import java.util.List;

/**
 * The user-bucket function of sharding-config's {@code UserBuckets} (MurmurHash3's fmix64, then floorMod by the bucket
 * count) written as one SQL expression of built-in, immutable operators only, because a publication's row filter may
 * not call a user-defined function. The 64-bit wrapping multiplications go through {@code numeric}; the unsigned
 * shifts are an arithmetic shift and a mask. The same text backs the {@code skyriff_bucket} SQL function that the
 * fences, verify and cleanup use, so every path computes one bucket. Immutable, thread-safe.
 */
final class BucketSql {
    private static final String TWO_64 = "18446744073709551616";
    private static final String TWO_63 = "9223372036854775808";
    private static final String C1 = "18397679294719823053"; // 0xff51afd7ed558ccd unsigned
    private static final String C2 = "14181476777654086739"; // 0xc4ceb9fe1a85ec53 unsigned

    /** The function the fences and checks call: {@code skyriff_bucket(user_id bigint, bucket_count integer)}. */
    static final String FUNCTION = "skyriff_bucket";

    private BucketSql() {
    }

    /** The bucket (0 .. bucketCount - 1) of the bigint SQL expression {@code key}. */
    static String bucket(String key, String bucketCount) {
        String k = xorShift(key);
        k = multiply(k, C1);
        k = xorShift(k);
        k = multiply(k, C2);
        k = xorShift(k);
        return "(((" + k + ") % " + bucketCount + " + " + bucketCount + ") % " + bucketCount + ")";
    }

    /** {@code CREATE OR REPLACE FUNCTION skyriff_bucket(bigint, integer)}: the expression above, IMMUTABLE. */
    static String createFunction() {
        return "CREATE OR REPLACE FUNCTION " + FUNCTION + "(user_id bigint, bucket_count integer) RETURNS bigint "
                + "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT " + bucket("user_id", "bucket_count::bigint")
                + " $$";
    }

    /**
     * A predicate, of built-in operators only (usable in a publication's row filter), that holds when the bucket of
     * column {@code column} is in one of {@code ranges}.
     */
    static String inRanges(String column, int bucketCount, List<BucketRange> ranges) {
        return "('" + multirange(ranges) + "'::int8multirange @> " + bucket(Sql.quote(column), Integer.toString(bucketCount))
                + ")";
    }

    /** The same predicate through the {@code skyriff_bucket} function (cheaper to plan; not allowed in a row filter). */
    static String inRangesByFunction(String column, int bucketCount, List<BucketRange> ranges) {
        return "('" + multirange(ranges) + "'::int8multirange @> " + FUNCTION + "(" + Sql.quote(column) + ", " + bucketCount
                + "))";
    }

    /** {@code {[0,511],[700,700]}}: ranges as an int8multirange literal. */
    static String multirange(List<BucketRange> ranges) {
        StringBuilder sb = new StringBuilder("{");
        for (BucketRange r : ranges) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('[').append(r.from()).append(',').append(r.to()).append(']');
        }
        return sb.append('}').toString();
    }

    private static String xorShift(String k) {
        return "((" + k + ") # (((" + k + ") >> 33) & 2147483647))";
    }

    /** (k * c) mod 2^64 as a signed bigint, through numeric. */
    private static String multiply(String k, String c) {
        return "((((((" + k + ")::numeric + " + TWO_64 + ") % " + TWO_64 + ") * " + c + " + " + TWO_63 + ") % " + TWO_64
                + " - " + TWO_63 + ")::bigint)";
    }
}
