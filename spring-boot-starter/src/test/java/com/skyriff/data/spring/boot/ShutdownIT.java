package com.skyriff.data.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.cache.SkyriffCache;
import com.skyriff.data.spring.boot.app.TestApp;
import com.skyriff.data.spring.boot.app.TestTopology;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Closing the application context closes every node pool and the Redis connections. */
class ShutdownIT {

    @Test
    void contextClose_poolsAndRedis_closed() throws Exception {
        TestDatabase db = TestTopology.database("starter_shutdown_it");
        List<String> props = new ArrayList<>(List.of("skyriff.data.rules=classpath:rules/starter-it.yaml",
                "spring.main.banner-mode=off"));
        TestTopology.properties(db).forEach((k, v) -> props.add(k + "=" + v));
        int redisBefore = redisClients();
        ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApp.class)
                .web(WebApplicationType.NONE).properties(props.toArray(String[]::new)).run();
        SkyriffData data = context.getBean(SkyriffData.class);
        context.getBean(SkyriffCache.class);
        Map<String, HikariDataSource> pools = data.pools();
        assertThat(pools).hasSize(4);
        assertThat(pools.values()).noneMatch(HikariDataSource::isClosed);
        assertThat(redisClients()).as("Redisson connected").isGreaterThan(redisBefore);

        context.close();

        assertThat(pools.values()).as("every node pool after the context closed").allMatch(HikariDataSource::isClosed);
        assertThat(redisClients()).as("Redis clients after the context closed").isEqualTo(redisBefore);
    }

    /** Connected clients other than this probe, by CLIENT LIST on the topology's Redis. */
    static int redisClients() throws Exception {
        var redis = LocalTopology.shared().redis();
        try (Socket s = new Socket(redis.host(), redis.port())) {
            OutputStream out = s.getOutputStream();
            out.write("*2\r\n$6\r\nCLIENT\r\n$4\r\nLIST\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String header = in.readLine();  // $<length>
            int length = Integer.parseInt(header.substring(1));
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
                read += in.read(body, read, length - read);
            }
            return (int) new String(body).lines().count() - 1;
        }
    }
}
