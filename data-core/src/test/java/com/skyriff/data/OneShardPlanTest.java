package com.skyriff.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.rules.Topology;
import java.time.Clock;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The single-shard planner's decisions on parsed statements (no database): what pins a reference, what does not. */
class OneShardPlanTest {
    static final Rules RULES = rules(2);
    static final OneShardRouter.Plans PLANS = new OneShardRouter.Plans(RULES, null);

    static Rules rules(int shards) {
        Rules.Builder b = Rules.builder().name("plan_test").bucketCount(64);
        for (int i = 0; i < shards; i++) {
            b.shard(new ShardSpec("shard" + i, NodeSpec.of("jdbc:postgresql://p" + i + ":5432/db", "app", "pw"),
                    List.of(), null, List.of(BucketRange.of(i * 64 / shards, (i + 1) * 64 / shards - 1))));
        }
        return b.table(TableSpec.user("users", "user_id"))
                .table(TableSpec.user("videos", "user_id").withFullScanAllowed())
                .table(TableSpec.userMonth("watch_event", "user_id", "created_at", YearMonth.of(2026, 9), 2)
                        .withId("event_id"))
                .table(TableSpec.user("accounts", "account_id").withId("account_id"))
                .table(TableSpec.broadcast("regions"))
                .build();
    }

    static OneShardPlan plan(String sql) {
        return PLANS.plan(sql);
    }

    @Test
    void plan_keyEquality_isSingleShard() {
        OneShardPlan p = plan("SELECT name FROM users WHERE user_id = ?");
        assertThat(p.singleShard()).as(p.fallback).isTrue();
        assertThat(p.keys).extracting(OneShardPlan.Value::param).containsExactly(0);
    }

    @Test
    void plan_orOfKeys_notPinned() {
        assertThat(plan("SELECT name FROM users WHERE user_id = ? OR user_id = ?").fallback)
                .isEqualTo("users: no user_id condition pins it to one shard");
    }

    @Test
    void plan_notKey_notPinned() {
        assertThat(plan("SELECT name FROM users WHERE NOT (user_id <> 5)").singleShard()).isFalse();
    }

    @Test
    void plan_innerJoinOnKey_pinsTheOtherSide() {
        assertThat(plan("SELECT 1 FROM users u JOIN videos v ON v.user_id = u.user_id WHERE u.user_id = 5")
                .singleShard()).isTrue();
    }

    @Test
    void plan_leftJoinKeyOnNullableSideOnly_preservedSideNotPinned() {
        assertThat(plan("SELECT 1 FROM users u LEFT JOIN videos v ON v.user_id = u.user_id AND v.user_id = 5")
                .singleShard()).isFalse();
    }

    @Test
    void plan_correlationToPinnedOuter_pinsTheSubquery() {
        OneShardPlan p = plan("SELECT 1 FROM users u WHERE u.user_id = ? AND EXISTS (SELECT 1 FROM videos v"
                + " WHERE v.user_id = u.user_id)");
        assertThat(p.singleShard()).as(p.fallback).isTrue();
    }

    @Test
    void plan_innerKeyOnOuterColumn_doesNotPinTheOuter() {
        assertThat(plan("SELECT 1 FROM users u WHERE NOT EXISTS (SELECT 1 FROM videos v WHERE u.user_id = 5)")
                .singleShard()).isFalse();
    }

    @Test
    void plan_unqualifiedKeyWithTwoCandidates_notPinned() {
        assertThat(plan("SELECT 1 FROM users u JOIN videos v ON true WHERE user_id = 5").singleShard()).isFalse();
    }

    @Test
    void plan_derivedTableShadowsOuterAlias_notResolvedOutward() {
        assertThat(plan("SELECT 1 FROM users u WHERE u.user_id = 5 AND EXISTS (SELECT 1 FROM (SELECT 7 AS user_id) u,"
                + " videos v WHERE v.user_id = u.user_id)").singleShard()).isFalse();
    }

    @Test
    void plan_monthTableWithoutTimeRange_markedForRefusal() {
        OneShardPlan p = plan("SELECT count(*) FROM watch_event WHERE user_id = 5");
        assertThat(p.timeless).as("refused when run, naming the window").isNotNull();
        assertThat(p.timeless.spec.name()).isEqualTo("watch_event");
    }

    @Test
    void plan_updateOfTheShardKey_refusedWithDeleteAndInsert() {
        OneShardPlan p = plan("UPDATE users SET user_id = user_id + 2 WHERE user_id = 5");
        assertThat(p.refusal).isEqualTo("users: UPDATE ... SET user_id is refused: user_id is the table's shard key,"
                + " and an UPDATE cannot move the row to the shard of its new value (it would stay where it is,"
                + " unreachable by its own key); DELETE the row and INSERT it with the new user_id instead (in one"
                + " transaction)");
        assertThat(plan("UPDATE watch_event SET created_at = ? WHERE user_id = 5 AND created_at >= ?").refusal)
                .contains("created_at is the table's month column");
    }

    @Test
    void plan_insertWithoutTheIdColumn_addsTheColumnAndAMarkerAfterTheRowsLastValue() {
        OneShardPlan p = plan("INSERT INTO watch_event (user_id, video_id, created_at, seconds) VALUES (?, ?, ?,"
                + " coalesce(?, (1 + 2))) ON CONFLICT (event_id, created_at) DO NOTHING");
        assertThat(p.singleShard()).as(p.fallback).isTrue();
        assertThat(p.generated.text()).isEqualTo("INSERT INTO watch_event (user_id, video_id, created_at, seconds,"
                + " event_id) VALUES (?, ?, ?, coalesce(?, (1 + 2)), ?) ON CONFLICT (event_id, created_at) DO NOTHING");
        assertThat(p.generated.marker()).isEqualTo(4);
        assertThat(p.generated.slot()).isEqualTo(4);
        assertThat(p.keys).extracting(OneShardPlan.Value::param).containsExactly(0);
    }

    @Test
    void plan_insertWithoutTheIdColumn_markerIndexCountsOnlyTheMarkersBeforeIt() {
        OneShardPlan p = plan("INSERT INTO watch_event (user_id, video_id, created_at) VALUES (5, 7, ?) ON CONFLICT"
                + " (event_id, created_at) DO UPDATE SET seconds = ? RETURNING seconds");
        assertThat(p.singleShard()).as(p.fallback).isTrue();
        assertThat(p.generated.marker()).isEqualTo(1);
        assertThat(p.generated.slot()).isEqualTo(2);
        Object[] bound = p.withGenerated(new Object[] {"2026-10-01", 9}, 123L);
        assertThat(bound).containsExactly("2026-10-01", 9, 123L);
    }

    @Test
    void plan_insertWithoutAGeneratedShardKey_routesByTheGeneratedValue() {
        OneShardPlan p = plan("INSERT INTO accounts (name) VALUES (?)");
        assertThat(p.singleShard()).as(p.fallback).isTrue();
        assertThat(p.generated.column()).isEqualTo("account_id");
        assertThat(p.keys).extracting(OneShardPlan.Value::param).containsExactly(1);
    }

    @Test
    void plan_insertOfSeveralRowsWithoutTheIdColumn_leftToShardingSpheresSnowflake() {
        assertThat(plan("INSERT INTO watch_event (user_id, video_id, created_at) VALUES (5, 1, ?), (5, 2, ?)").fallback)
                .isEqualTo("an INSERT of several rows without the event_id column (ShardingSphere's Snowflake fills"
                        + " it)");
    }

    @Test
    void plan_tableNameOutsideAKnownReference_goesToShardingSphere() {
        assertThat(plan("SELECT (SELECT count(*) FROM \"users\") FROM users WHERE user_id = 5").singleShard())
                .isFalse();
        assertThat(plan("SELECT name FROM public.users WHERE user_id = 5").fallback).isEqualTo("a schema-qualified table");
    }

    @Test
    void plan_notExists_isParsedAndPinnedByCorrelation() {
        OneShardPlan p = plan("SELECT 1 FROM users u WHERE u.user_id = ? AND NOT EXISTS (SELECT 1 FROM videos v"
                + " WHERE v.user_id = u.user_id AND v.title = ?)");
        assertThat(p.singleShard()).as(p.fallback).isTrue();
        assertThat(p.refs).hasSize(2);
    }

    @Test
    void plan_hintsSemicolonsAndSystemColumns_goToShardingSphere() {
        assertThat(plan("/* SHARDINGSPHERE_HINT: WRITE_ROUTE_ONLY=true */ SELECT name FROM users WHERE user_id = 5")
                .singleShard()).isFalse();
        assertThat(plan("SELECT ctid FROM users WHERE user_id = 5").singleShard()).isFalse();
        assertThat(plan("SELECT name FROM users WHERE user_id = 5; SELECT 1").singleShard()).isFalse();
    }

    @Test
    void plan_oneShardRules_keylessReferenceOfFullScanTable_isSingleShard() {
        OneShardRouter.Plans one = new OneShardRouter.Plans(rules(1), null);
        assertThat(one.plan("SELECT count(*) FROM videos").singleShard()).isTrue();
        assertThat(one.plan("SELECT count(*) FROM users").singleShard())
                .as("users does not allow full scans: the guard decides on ShardingSphere's path").isFalse();
    }

    @Test
    void plan_sameText_plannedOnce() {
        String sql = "SELECT name FROM users WHERE user_id = ? AND name = 'x'";
        assertThat(plan(sql)).isSameAs(plan(sql));
    }

    @Test
    void plan_keyEqualsAnyOfAMarker_pinnedByTheArraysElements() {
        OneShardPlan p = plan("SELECT name FROM users u WHERE name <> ? AND u.user_id = ANY(?::bigint[])");
        assertThat(p.singleShard()).as(p.fallback).isTrue();
        assertThat(p.arrayKeys).extracting(OneShardPlan.Value::param).containsExactly(1);
        assertThat(p.keys).isEmpty();
        assertThat(plan("SELECT name FROM users WHERE user_id = SOME (?)").singleShard()).isTrue();
    }

    @Test
    void plan_anyOfALiteralArrayOrAll_notPinned() {
        assertThat(plan("SELECT name FROM users WHERE user_id = ANY('{1,2}')").singleShard()).isFalse();
        assertThat(plan("SELECT name FROM users WHERE user_id = ALL(?)").singleShard()).isFalse();
        assertThat(plan("SELECT name FROM users WHERE user_id = ANY(ARRAY[?, ?])").singleShard()).isFalse();
        assertThat(plan("SELECT name FROM users WHERE user_id <> ANY(?)").singleShard()).isFalse();
        assertThat(plan("SELECT name FROM users WHERE NOT (user_id = ANY(?))").singleShard()).isFalse();
    }

    @Test
    void decide_anyOfAnArray_oneShardOrShardingSphereNamingWhy() throws Exception {
        Topology topology = Topology.compile(RULES, Clock.systemUTC());
        OneShardRouter router = OneShardRouter.offline(PLANS, topology);
        OneShardPlan p = plan("SELECT name FROM users WHERE user_id = ANY(?)");
        long[] zero = new long[2];
        long one = -1;
        int n = 0;
        for (long u = 1; n < 2 || one < 0; u++) {
            if (topology.shardOf(u) == 0 && n < 2) {
                zero[n++] = u;
            } else if (topology.shardOf(u) == 1 && one < 0) {
                one = u;
            }
        }

        assertThat(router.decide(p, new Object[] {new Long[] {zero[0], zero[1]}}).shard()).isEqualTo(0);
        assertThat(router.decide(p, new Object[] {new long[] {one}}).shard()).isEqualTo(1);
        assertThat(router.decide(p, new Object[] {new Long[] {zero[0], one}}).fallback())
                .isEqualTo("keys of several shards");
        assertThat(router.decide(p, new Object[] {new Long[] {zero[0], null}}).fallback()).isEqualTo("a NULL shard key");
        assertThat(router.decide(p, new Object[] {new Double[] {1.5}}).fallback())
                .isEqualTo("a shard key that is not a whole number");
        assertThat(router.decide(p, new Object[] {"{1,2}"}).fallback())
                .isEqualTo("a shard-key array (= ANY(?)) that is NULL or not an array");
        assertThat(router.decide(p, new Object[] {null}).fallback())
                .isEqualTo("a shard-key array (= ANY(?)) that is NULL or not an array");
    }
}
