package com.skyriff.data.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.skyriff.data.spring.boot.app.TestApp;
import com.skyriff.data.spring.boot.app.TestTopology;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.CompositeHealth;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Actuator health per shard and node, against a replica really stopped and started (testkit fault injection). */
@Tag("slow")
@SpringBootTest(classes = TestApp.class, properties = {
        "skyriff.data.rules=classpath:rules/starter-it.yaml",
        "management.endpoint.health.show-details=always"})
class HealthIT {
    static TestDatabase db;

    @DynamicPropertySource
    static void topology(DynamicPropertyRegistry registry) {
        db = TestTopology.database("starter_health_it");
        TestTopology.properties(db).forEach((k, v) -> registry.add(k, () -> v));
    }

    @Autowired HealthEndpoint health;

    Status status(String... path) {
        HealthComponent c = health.healthForPath(path);
        return c == null ? null : c.getStatus();
    }

    @Test
    void health_replicaStoppedThenStarted_nodeAndShardDownThenUp() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(status("skyriff")).as("all nodes checked and up").isEqualTo(Status.UP));
        HealthComponent all = health.healthForPath("skyriff");
        assertThat(((CompositeHealth) all).getComponents()).as("one composite per shard").containsOnlyKeys("shard0", "shard1");
        Health primary = (Health) health.healthForPath("skyriff", "shard0", "shard0_primary");
        assertThat(primary.getDetails()).containsEntry("role", "primary").containsEntry("up", true)
                .containsEntry("lagMillis", 0L);

        PgShard shard1 = db.shards().get(1);
        shard1.stopReplica(0);
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(status("skyriff", "shard1", "shard1_replica_0")).as("stopped replica").isEqualTo(Status.DOWN);
                assertThat(status("skyriff", "shard1")).isEqualTo(Status.DOWN);
                assertThat(status("skyriff")).isEqualTo(Status.DOWN);
            });
            Health down = (Health) health.healthForPath("skyriff", "shard1", "shard1_replica_0");
            assertThat(down.getDetails()).containsEntry("up", false).containsEntry("inRotation", false)
                    .containsKey("reason");
            assertThat(status("skyriff", "shard0")).as("the other shard").isEqualTo(Status.UP);
            assertThat(status("skyriff", "shard1", "shard1_primary")).isEqualTo(Status.UP);
        } finally {
            shard1.startReplica(0);
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(status("skyriff")).as("replica back in rotation").isEqualTo(Status.UP));
    }
}
