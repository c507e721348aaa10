package com.skyriff.data.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.spring.boot.app.Server;
import com.skyriff.data.spring.boot.app.TestApp;
import com.skyriff.data.spring.boot.app.TestTopology;
import com.skyriff.data.spring.boot.app.UserMapper;
import com.skyriff.data.spring.boot.app.UserService;
import com.skyriff.data.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code skyriff.data.read-only-transactions=primary}: a READ ONLY transaction on the primaries. */
@SpringBootTest(classes = TestApp.class, properties = {
        "skyriff.data.rules=classpath:rules/starter-it.yaml",
        "skyriff.data.read-only-transactions=primary",
        "mybatis.configuration.map-underscore-to-camel-case=true"})
class ReadOnlyPrimaryIT {
    static TestDatabase db;

    @DynamicPropertySource
    static void topology(DynamicPropertyRegistry registry) {
        db = TestTopology.database("starter_read_only_primary_it");
        TestTopology.properties(db).forEach((k, v) -> registry.add(k, () -> v));
    }

    @Autowired UserMapper users;
    @Autowired UserService service;

    @Test
    void readOnlyTransaction_primaryMode_answeredByThePrimaryWritesRefusedByPostgres() {
        long id = 1101;
        users.insert(id, "pat");
        db.shards().forEach(s -> s.awaitReplicaCatchUp(Duration.ofSeconds(10)));
        List<Server> servers = service.serversInReadOnlyTransaction(id);
        assertThat(servers).allSatisfy(s -> assertThat(s.isReplica()).as("read-only-transactions=primary").isFalse());
        assertThatThrownBy(() -> service.insertInReadOnlyTransaction(1102))
                .hasStackTraceContaining("cannot execute INSERT in a read-only transaction");
    }
}
