package com.skyriff.data;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A statement refused by a shard's fence ({@code SQLSTATE 55R01}, {@code skyriff: bucket ...}): its bucket is being
 * moved to another shard, and this service's rules were not yet switched when it ran. The layer has already
 * reloaded the rules from their source once (synchronously) before throwing this; the message says whether that
 * switched to new rules. The statement did not take effect, and a transaction it was part of must be rolled back:
 * retry the whole transaction, which then runs on the rules in force (on the bucket's new shard once the move is cut
 * over). Immutable.
 */
public final class BucketFencedException extends SQLTransientException {
    private static final long serialVersionUID = 1L;
    /** The SQLSTATE the resharding job's fence raises and this exception carries. */
    public static final String SQLSTATE = com.skyriff.data.health.internal.HealthRuntime.FENCE_SQLSTATE;
    private static final Pattern BUCKET = Pattern.compile("skyriff: bucket (\\d+)");

    private final String shard;
    private final int bucket;
    private final boolean rulesSwitched;

    private BucketFencedException(String message, String shard, int bucket, boolean rulesSwitched,
                                  SQLException cause) {
        super(message, SQLSTATE, cause);
        this.shard = shard;
        this.bucket = bucket;
        this.rulesSwitched = rulesSwitched;
    }

    static BucketFencedException of(String shard, SQLException fenced, String reload, boolean switched) {
        String server = fenced.getMessage() == null ? "" : fenced.getMessage();
        int nl = server.indexOf('\n');
        server = nl < 0 ? server : server.substring(0, nl);
        if (server.startsWith("ERROR: ")) {
            server = server.substring("ERROR: ".length());
        }
        Matcher m = BUCKET.matcher(server);
        int bucket = m.find() ? Integer.parseInt(m.group(1)) : -1;
        String which = bucket < 0 ? "a bucket" : "bucket " + bucket;
        String message = shard + " - " + which + " is being moved to another shard and its writes are fenced here ("
                + server + "); " + reload + "; the statement did not run: retry the transaction";
        return new BucketFencedException(message, shard, bucket, switched, fenced);
    }

    /** The shard whose fence refused the statement, e.g. {@code shard0}. */
    public String shard() {
        return shard;
    }

    /** The fenced bucket, as the server's message names it; -1 if it names none. */
    public int bucket() {
        return bucket;
    }

    /** Whether reloading switched this service to new rules (a retry then runs on them). */
    public boolean rulesSwitched() {
        return rulesSwitched;
    }
}
