package com.skyriff.data.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fallback for machines without redis-server: the binary bundled in embedded-redis. */
class RedisServerProcessTest {

    @Test
    void embeddedBinary_stopThenStart_answersPingOnTheSamePort() throws IOException {
        Path dir = Path.of(System.getProperty(Workspace.ROOT_PROPERTY, "target/topology")).toAbsolutePath()
                .resolveSibling("redis-embedded-test");
        Files.createDirectories(dir);
        Path binary = RedisServerProcess.embeddedServerBinary(dir.resolve("bin"));
        RedisServerProcess redis = new RedisServerProcess("redis-embedded", dir, binary, false, port -> List.of());
        try {
            redis.startFirst();
            int port = redis.port();
            assertThat((String) Resp.call(port, "INFO", "server")).contains("redis_version:");
            redis.node().stop();
            assertThatThrownBy(() -> Resp.call(port, "PING")).isInstanceOf(IOException.class);
            redis.node().start();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(Resp.call(port, "PING")).isEqualTo("PONG");
        } finally {
            redis.close();
        }
        assertThatThrownBy(() -> redis.node().start()).isInstanceOf(IllegalStateException.class);
    }
}
