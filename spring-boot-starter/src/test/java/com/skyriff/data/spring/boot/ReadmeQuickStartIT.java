package com.skyriff.data.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.spring.boot.app.TestTopology;
import com.skyriff.data.spring.boot.readme.QuickStartApp;
import com.skyriff.data.spring.boot.readme.User;
import com.skyriff.data.spring.boot.readme.Users;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The README's "Quick start: Spring Boot": its snippets are the tagged regions of the readme/ test sources and
 * quickstart/application.yaml (checked here word for word), and that application runs on the real topology.
 */
class ReadmeQuickStartIT {
    static final Path TEST_SOURCES = Path.of("src/test");

    static String section() throws IOException {
        String readme = Files.readString(Path.of(System.getProperty("skyriff.readme", "../README.md")),
                StandardCharsets.UTF_8);
        int start = readme.indexOf("## Quick start: Spring Boot\n");
        assertThat(start).as("README has a 'Quick start: Spring Boot' section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 10);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    static String region(String file) throws IOException {
        String text = Files.readString(TEST_SOURCES.resolve(file), StandardCharsets.UTF_8);
        int from = text.indexOf("// tag::readme[]\n");
        int to = text.indexOf("// end::readme[]");
        assertThat(from).as(file + " has a tag::readme region").isNotNegative();
        return text.substring(from + "// tag::readme[]\n".length(), to).stripTrailing();
    }

    @Test
    void readme_quickStartSnippets_areTheCompiledTestSources() throws IOException {
        String section = section();
        assertThat(section).as("README quick start: the mapper")
                .contains(region("java/com/skyriff/data/spring/boot/readme/UserMapper.java"));
        assertThat(section).as("README quick start: the service")
                .contains(region("java/com/skyriff/data/spring/boot/readme/Users.java"));
        assertThat(section).as("README quick start: application.yaml")
                .contains(Files.readString(TEST_SOURCES.resolve("resources/quickstart/application.yaml")).stripTrailing());
        assertThat(section).as("README quick start: the dependency")
                .contains("<artifactId>skyriff-data-spring-boot-starter</artifactId>")
                .contains("<version>" + System.getProperty("skyriff.version", "0.1.0-SNAPSHOT") + "</version>");
    }

    @Test
    void quickStartApp_onTheTopology_readsCachesAndRenamesOnThePrimary() {
        TestDatabase db = TestTopology.database("starter_readme_it");
        Map<String, String> topology = TestTopology.properties(db);
        List<String> props = new ArrayList<>(List.of("spring.config.location=classpath:quickstart/application.yaml",
                "spring.main.banner-mode=off", "PG_PASSWORD=" + topology.get("skyriff.test.pg-password")));
        topology.forEach((k, v) -> props.add(k + "=" + v));
        long id = 42;
        PgShard shard = db.shards().stream().filter(s -> s.name().equals(shardOf(id))).findFirst().orElseThrow();
        TestTopology.execute(shard.primary(), "INSERT INTO users (user_id, handle) VALUES (42, 'ada')");
        shard.awaitReplicaCatchUp(Duration.ofSeconds(10));
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(QuickStartApp.class)
                .web(WebApplicationType.NONE).properties(props.toArray(String[]::new)).run()) {
            Users users = app.getBean(Users.class);
            assertThat(users.find(id)).isEqualTo(new User(id, "ada"));
            assertThat(users.rename(id, "grace")).as("@PrimaryOnly read after the write, same transaction")
                    .isEqualTo(new User(id, "grace"));
            shard.awaitReplicaCatchUp(Duration.ofSeconds(10));
            assertThat(users.find(id)).as("@Invalidates evicted the cached 'ada' after the commit")
                    .isEqualTo(new User(id, "grace"));
        }
    }

    /** The quick start's rules have the test rules' buckets: 64 buckets, 0-31 on shard0. */
    static String shardOf(long id) {
        return com.skyriff.data.rules.RulesReader.parse("bucket-count: 64\nshards:\n"
                        + "  - { name: shard0, buckets: 0-31, primary: 'jdbc:postgresql://h/d' }\n"
                        + "  - { name: shard1, buckets: 32-63, primary: 'jdbc:postgresql://h/d' }\ntables: {}\n",
                "buckets", k -> null, java.time.Clock.systemUTC()).buckets().shardOf(id);
    }
}
