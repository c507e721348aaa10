package com.skyriff.data.reshard;

import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.Strategy;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.rules.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a resharding moves: per (source shard, target shard) the bucket ranges that change owner, the tables split by
 * user whose rows move with them, and the broadcast tables copied whole to each new shard. Only bucket moves and shard
 * additions are accepted: any other change of the data's layout is refused, naming what differs. Settings that move no
 * data (replicas, pools, health, cache) may differ; they travel with the published rules. Immutable, thread-safe.
 *
 * @param bucketCount the bucket count, equal in both rules
 * @param moves       one entry per (source, target) pair, in the old rules' shard order
 * @param userTables  logical tables split by user (their rows move with their bucket)
 * @param broadcast   broadcast tables (copied whole to every new shard)
 * @param newShards   shards the new rules add
 */
public record ReshardPlan(int bucketCount, List<Move> moves, List<Topology.Table> userTables,
                          List<Topology.Table> broadcast, List<String> newShards) {

    /** Buckets that move from {@code source} to {@code target}, as inclusive ranges in bucket order. */
    public record Move(String source, String target, List<BucketRange> ranges) {
        public Move {
            ranges = List.copyOf(ranges);
        }

        public int bucketCount() {
            return ranges.stream().mapToInt(r -> r.to() - r.from() + 1).sum();
        }

        /** e.g. {@code shard0 -> shard1: 512-1023 (512 buckets)}. */
        public String text() {
            return source + " -> " + target + ": " + String.join(",", ranges.stream().map(BucketRange::toString).toList())
                    + " (" + bucketCount() + " buckets)";
        }
    }

    public ReshardPlan {
        moves = List.copyOf(moves);
        userTables = List.copyOf(userTables);
        broadcast = List.copyOf(broadcast);
        newShards = List.copyOf(newShards);
    }

    /**
     * The plan from {@code from} to {@code to}, both compiled as of the same clock.
     *
     * @throws IllegalArgumentException listing every difference that is not a bucket move or a shard addition, or when
     *                                  nothing moves
     */
    public static ReshardPlan of(Topology from, Topology to) {
        List<String> problems = new ArrayList<>();
        if (from.bucketCount() != to.bucketCount()) {
            problems.add("bucket-count differs; was " + from.bucketCount() + ", now " + to.bucketCount()
                    + " (a user's bucket would change: only whole buckets can move, keep bucket-count)");
        }
        for (String s : from.shardNames()) {
            if (to.shardIndex(s) < 0) {
                problems.add("shards: " + s + " is removed; removing a shard is not a bucket move (keep it and give its"
                        + " buckets to other shards first)");
            }
        }
        for (ShardSpec s : from.rules().shards()) {
            to.rules().shard(s.name()).ifPresent(n -> {
                if (!n.primary().url().equals(s.primary().url())) {
                    problems.add("shards." + s.name() + ".primary.url differs; was " + s.primary().maskedUrl() + ", now "
                            + n.primary().maskedUrl() + " (a resharding cannot also move a shard to another server)");
                }
            });
        }
        if (!from.rules().defaultShard().equals(to.rules().defaultShard())) {
            problems.add("default-shard differs; was " + from.rules().defaultShard() + ", now " + to.rules().defaultShard()
                    + " (single and monthly tables would move)");
        }
        for (Topology.Table t : from.tables()) {
            Topology.Table n = to.table(t.name());
            if (n == null) {
                problems.add("tables." + t.name() + " is removed");
            } else if (!sameLayout(t, n)) {
                problems.add("tables." + t.name() + " differs; was " + layout(t) + ", now " + layout(n));
            }
        }
        for (Topology.Table n : to.tables()) {
            if (from.table(n.name()) == null) {
                problems.add("tables." + n.name() + " is added (add tables with a migration, not with a resharding)");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("reshard: the new rules change more than which shard owns a bucket: "
                    + String.join("; ", problems));
        }
        Map<String, List<BucketRange>> byPair = new LinkedHashMap<>();
        for (int b = 0; b < from.bucketCount(); b++) {
            String source = from.shardName(from.shardOfBucket(b));
            String target = to.shardName(to.shardOfBucket(b));
            if (source.equals(target)) {
                continue;
            }
            List<BucketRange> ranges = byPair.computeIfAbsent(source + "\n" + target, k -> new ArrayList<>());
            BucketRange last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (last != null && last.to() == b - 1) {
                ranges.set(ranges.size() - 1, new BucketRange(last.from(), b));
            } else {
                ranges.add(new BucketRange(b, b));
            }
        }
        List<Move> moves = new ArrayList<>();
        for (Map.Entry<String, List<BucketRange>> e : byPair.entrySet()) {
            String[] pair = e.getKey().split("\n");
            moves.add(new Move(pair[0], pair[1], e.getValue()));
        }
        moves.sort((a, b) -> a.source().equals(b.source()) ? Integer.compare(to.shardIndex(a.target()),
                to.shardIndex(b.target())) : Integer.compare(from.shardIndex(a.source()), from.shardIndex(b.source())));
        List<String> added = to.shardNames().stream().filter(s -> from.shardIndex(s) < 0).toList();
        if (moves.isEmpty()) {
            throw new IllegalArgumentException("reshard: no bucket changes shard between the two rules"
                    + (added.isEmpty() ? "" : "; shards " + added + " are added but own no bucket"));
        }
        List<Topology.Table> user = from.tables().stream().filter(t -> t.strategy().byUser()).toList();
        List<Topology.Table> broadcast = from.tables().stream().filter(t -> t.strategy() == Strategy.BROADCAST).toList();
        return new ReshardPlan(from.bucketCount(), moves, user, broadcast, added);
    }

    private static boolean sameLayout(Topology.Table a, Topology.Table b) {
        TableSpec x = a.spec();
        TableSpec y = b.spec();
        return x.strategy() == y.strategy() && Objects.equals(x.keyColumn(), y.keyColumn())
                && Objects.equals(x.timeColumn(), y.timeColumn()) && Objects.equals(a.window(), b.window());
    }

    private static String layout(Topology.Table t) {
        return t.strategy() + (t.keyColumn() == null ? "" : " key " + t.keyColumn())
                + (t.timeColumn() == null ? "" : " time " + t.timeColumn())
                + (t.window() == null ? "" : " months " + t.window());
    }

    /** One line per move, then the tables. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        moves.forEach(m -> out.add(m.text()));
        out.add("tables split by user (rows move with their bucket): "
                + String.join(", ", userTables.stream().map(Topology.Table::name).toList()));
        if (!broadcast.isEmpty() && !newShards.isEmpty()) {
            out.add("broadcast tables copied whole to " + newShards + ": "
                    + String.join(", ", broadcast.stream().map(Topology.Table::name).toList()));
        }
        return out;
    }
}
