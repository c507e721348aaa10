package com.skyriff.data.rules.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.shardingsphere.infra.datanode.DataNodeInfo;
import org.apache.shardingsphere.sharding.api.sharding.standard.PreciseShardingValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserBucketShardingAlgorithmTest {
    static final List<String> SHARDS = List.of("shard0", "shard1");
    final UserBucketShardingAlgorithm algorithm = new UserBucketShardingAlgorithm();
    ShardingSphereRules compiled;

    @BeforeEach
    void init() {
        compiled = ShardingSphereRules.compile(MonthShardingAlgorithmTest.rules(), MonthShardingAlgorithmTest.NOV_2026);
        algorithm.init(MonthShardingAlgorithmTest.props(compiled, ShardingSphereRules.USER_ALGORITHM));
    }

    private static PreciseShardingValue<Comparable<?>> precise(Comparable<?> v) {
        return new PreciseShardingValue<>("ev", "user_id", new DataNodeInfo("shard", 1, '0'), v);
    }

    @Test
    void doSharding_everyWholeNumberType_routesAsTheTopology() {
        assertThat(algorithm.topology()).isSameAs(compiled.topology());
        for (long user = -50; user <= 50; user++) {
            String expected = compiled.topology().shardName(compiled.topology().shardOf(user));
            assertThat(algorithm.doSharding(SHARDS, precise(user))).isEqualTo(expected);
            assertThat(algorithm.doSharding(SHARDS, precise((int) user))).isEqualTo(expected);
            assertThat(algorithm.doSharding(SHARDS, precise((double) user))).isEqualTo(expected);
            assertThat(algorithm.doSharding(SHARDS, precise(new java.math.BigDecimal(user)))).isEqualTo(expected);
            assertThat(algorithm.doSharding(SHARDS, precise(Long.toString(user)))).isEqualTo(expected);
        }
    }

    @Test
    void doSharding_notAWholeNumber_isRefusedNeverTruncated() {
        assertThatThrownBy(() -> algorithm.doSharding(SHARDS, precise(5.5d))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ev.user_id must be a whole-number user id; was Double '5.5'");
        assertThatThrownBy(() -> algorithm.doSharding(SHARDS, precise("abc")))
                .hasMessage("ev.user_id must be a whole-number user id; was String 'abc'");
    }

    @Test
    void doSharding_shardNotAmongTheTargets_namesShardAndTargets() {
        long onShard1 = 0;
        while (compiled.topology().shardOf(onShard1) != 1) {
            onShard1++;
        }
        long user = onShard1;
        assertThatThrownBy(() -> algorithm.doSharding(List.of("shard0"), precise(user)))
                .hasMessage("ev.user_id routes to shard shard1, which is not among the table's data sources [shard0]");
    }
}
