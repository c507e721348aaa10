package com.skyriff.data.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TopologyExtension.class)
class RedisNodeTest {

    @Test
    void redis_shared_answersPingOnItsOwnPort(LocalTopology topology) throws IOException {
        RedisNode redis = topology.redis();
        assertThat(redis.port()).isNotEqualTo(6379);
        assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
        assertThat(Resp.call(redis.port(), "PING")).isEqualTo("PONG");
    }

    @Test
    void stop_thenStart_answersPingAgainOnTheSamePort(LocalTopology topology) throws IOException {
        RedisNode redis = topology.redis();
        Resp.call(redis.port(), "SET", "redis-node-test", "before");
        redis.stop();
        try {
            assertThatThrownBy(() -> Resp.call(redis.port(), "PING")).isInstanceOf(ConnectException.class);
            redis.stop(); // no-op
        } finally {
            redis.start();
        }
        assertThat(topology.redis()).isEqualTo(redis);
        assertThat(Resp.call(redis.port(), "PING")).isEqualTo("PONG");
        assertThat(Resp.call(redis.port(), "GET", "redis-node-test")).as("no persistence").isNull();
        redis.start(); // no-op
        assertThat(Resp.call(redis.port(), "PING")).isEqualTo("PONG");
    }

    @Test
    void stop_nodeNotStartedByTestkit_throws() {
        assertThatThrownBy(() -> new RedisNode("127.0.0.1", 6379).stop())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("redis 127.0.0.1:6379 - not a Redis server started by this JVM's testkit; stop() and start()"
                        + " work only on those");
    }
}
