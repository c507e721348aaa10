package com.skyriff.data.cli;

import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.rules.Topology;
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

    /** The change from {@code before} to {@code after}, both compiled as of the same clock. */
    static RulesChange of(Topology before, Topology after) {
        RulesChange c = new RulesChange();
        List<String> oldShards = before.shardNames();
        List<String> newShards = after.shardNames();
        newShards.stream().filter(s -> !oldShards.contains(s)).forEach(c.shardsAdded::add);
        oldShards.stream().filter(s -> !newShards.contains(s)).forEach(c.shardsRemoved::add);
        for (Topology.Table compiled : after.tables()) {
            TableSpec t = compiled.spec();
            Topology.Table old = before.table(t.name());
            TableSpec o = old == null ? null : old.spec();
            if (o == null) {
                c.tablesAdded.add(t.name() + " (" + t.strategy() + ")");
            } else if (o.strategy() != t.strategy() || !java.util.Objects.equals(o.keyColumn(), t.keyColumn())
                    || !java.util.Objects.equals(o.timeColumn(), t.timeColumn())) {
                c.tablesChanged.add(t.name() + ": " + describe(o) + " -> " + describe(t));
            }
        }
        for (Topology.Table o : before.tables()) {
            if (after.table(o.name()) == null) {
                c.tablesRemoved.add(o.name() + " (" + o.strategy() + ")");
            }
        }
        Set<String> oldPhysical = physical(before);
        Set<String> newPhysical = physical(after);
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
        if (before.bucketCount() == after.bucketCount()) {
            int moved = 0;
            BucketMove run = null;
            for (int b = 0; b < before.bucketCount(); b++) {
                String from = before.shardName(before.shardOfBucket(b));
                String to = after.shardName(after.shardOfBucket(b));
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
            c.movingFraction = (double) moved / before.bucketCount();
        } else {
            SplittableRandom random = new SplittableRandom(42);
            int moved = 0;
            for (int i = 0; i < SAMPLES; i++) {
                long id = random.nextLong();
                if (!before.shardName(before.shardOf(id)).equals(after.shardName(after.shardOf(id)))) {
                    moved++;
                }
            }
            c.movingFraction = (double) moved / SAMPLES;
            c.estimated = true;
        }
        return c;
    }

    /** {@code shard.physical_table} of every table. */
    static Set<String> physical(Topology topology) {
        Set<String> out = new TreeSet<>();
        for (Topology.Table t : topology.tables()) {
            for (String s : t.shards()) {
                for (String p : t.physicalTables()) {
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
