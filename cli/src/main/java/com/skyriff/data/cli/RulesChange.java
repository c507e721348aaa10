package com.skyriff.data.cli;

import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.rules.UserBuckets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/** What a change of rules means for the data: tables and physical tables gained and lost, users that change shard. */
final class RulesChange {
    static final int SAMPLES = 200_000;

    /** A run of consecutive buckets that all move from one shard to the same other shard. */
    record BucketMove(int from, int to, String fromShard, String toShard) {
        String text() {
            return (from == to ? Integer.toString(from) : from + "-" + to) + " " + fromShard + " -> " + toShard;
        }
    }

    final List<String> shardsAdded = new ArrayList<>();
    final List<String> shardsRemoved = new ArrayList<>();
    final List<String> tablesAdded = new ArrayList<>();
    final List<String> tablesRemoved = new ArrayList<>();
    final List<String> tablesChanged = new ArrayList<>();
    final Set<String> physicalGained = new TreeSet<>();
    final Set<String> physicalLost = new TreeSet<>();
    final List<BucketMove> bucketMoves = new ArrayList<>();
    /** Fraction of user ids whose shard changes; exact when the bucket count is unchanged, else estimated. */
    double movingFraction;
    boolean estimated;

    static RulesChange of(Rules before, Rules after, Clock clock) {
        RulesChange c = new RulesChange();
        List<String> oldShards = before.shards().stream().map(ShardSpec::name).toList();
        List<String> newShards = after.shards().stream().map(ShardSpec::name).toList();
        newShards.stream().filter(s -> !oldShards.contains(s)).forEach(c.shardsAdded::add);
        oldShards.stream().filter(s -> !newShards.contains(s)).forEach(c.shardsRemoved::add);
        for (TableSpec t : after.tables().values()) {
            TableSpec o = before.tables().get(t.name());
            if (o == null) {
                c.tablesAdded.add(t.name() + " (" + t.strategy() + ")");
            } else if (o.strategy() != t.strategy() || !java.util.Objects.equals(o.keyColumn(), t.keyColumn())
                    || !java.util.Objects.equals(o.timeColumn(), t.timeColumn())) {
                c.tablesChanged.add(t.name() + ": " + describe(o) + " -> " + describe(t));
            }
        }
        for (TableSpec o : before.tables().values()) {
            if (!after.tables().containsKey(o.name())) {
                c.tablesRemoved.add(o.name() + " (" + o.strategy() + ")");
            }
        }
        Set<String> oldPhysical = physical(before, clock);
        Set<String> newPhysical = physical(after, clock);
        for (String p : newPhysical) {
            if (!oldPhysical.contains(p)) {
                c.physicalGained.add(p);
            }
        }
        for (String p : oldPhysical) {
            if (!newPhysical.contains(p)) {
                c.physicalLost.add(p);
            }
        }
        UserBuckets ob = before.buckets();
        UserBuckets nb = after.buckets();
        if (ob.bucketCount() == nb.bucketCount()) {
            int moved = 0;
            BucketMove run = null;
            for (int b = 0; b < ob.bucketCount(); b++) {
                String from = ob.shardOfBucket(b);
                String to = nb.shardOfBucket(b);
                if (from.equals(to)) {
                    run = null;
                    continue;
                }
                moved++;
                if (run != null && run.to() == b - 1 && run.fromShard().equals(from) && run.toShard().equals(to)) {
                    run = new BucketMove(run.from(), b, from, to);
                    c.bucketMoves.set(c.bucketMoves.size() - 1, run);
                } else {
                    run = new BucketMove(b, b, from, to);
                    c.bucketMoves.add(run);
                }
            }
            c.movingFraction = (double) moved / ob.bucketCount();
        } else {
            SplittableRandom random = new SplittableRandom(42);
            int moved = 0;
            for (int i = 0; i < SAMPLES; i++) {
                long id = random.nextLong();
                if (!ob.shardOf(id).equals(nb.shardOf(id))) {
                    moved++;
                }
            }
            c.movingFraction = (double) moved / SAMPLES;
            c.estimated = true;
        }
        return c;
    }

    /** {@code shard.physical_table} of every table. */
    static Set<String> physical(Rules rules, Clock clock) {
        Set<String> out = new TreeSet<>();
        for (TableSpec t : rules.tables().values()) {
            for (String s : rules.shardsOf(t)) {
                for (String p : rules.physicalTables(t, clock)) {
                    out.add(s + "." + p);
                }
            }
        }
        return out;
    }

    private static String describe(TableSpec t) {
        return t.strategy() + (t.keyColumn() == null ? "" : " key " + t.keyColumn())
                + (t.timeColumn() == null ? "" : " time " + t.timeColumn());
    }
}
