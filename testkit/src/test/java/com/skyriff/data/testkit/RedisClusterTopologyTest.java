package com.skyriff.data.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("slow")
class RedisClusterTopologyTest {

    @Test
    void start_threeMasters_reachesClusterStateOk() throws IOException {
        try (RedisClusterTopology cluster = RedisClusterTopology.start(3)) {
            assertThat(cluster.nodeUris()).hasSize(3).allMatch(uri -> uri.startsWith("redis://127.0.0.1:"));
            for (String uri : cluster.nodeUris()) {
                String info = (String) Resp.call(URI.create(uri).getPort(), "CLUSTER", "INFO");
                assertThat(info).contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_known_nodes:3");
            }
        }
    }

    @Test
    void start_withoutRedisCli_formsTheClusterByHand() throws IOException {
        try (RedisClusterTopology cluster = RedisClusterTopology.start(3, null, false)) {
            int port = URI.create(cluster.nodeUris().get(2)).getPort();
            assertThat((String) Resp.call(port, "CLUSTER", "INFO"))
                    .contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_size:3");
        }
    }

    @Test
    void close_twice_stopsTheNodesOnce() throws IOException {
        RedisClusterTopology cluster = RedisClusterTopology.start(1);
        int port = URI.create(cluster.nodeUris().get(0)).getPort();
        assertThat((String) Resp.call(port, "CLUSTER", "INFO")).contains("cluster_state:ok");
        cluster.close();
        cluster.close();
        assertThatThrownBy(() -> Resp.call(port, "PING")).isInstanceOf(IOException.class);
    }

    @Test
    void start_zeroMasters_throws() {
        assertThatThrownBy(() -> RedisClusterTopology.start(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RedisClusterTopology.start: masters must be at least 1; was 0");
    }
}
