package com.example.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Follows the README's Quick start literally on real servers: the DBA's dba.sql on each primary, `skyriff migrate
 * rules.yaml` (the command line's own main class, as ./bin/skyriff starts it), then the program, each a process of
 * its own that reads the node URLs and the password from the environment, as rules.yaml's ${VAR}s say.
 */
class QuickStartTest {
    static final String DATABASE = "skyriff_app";
    static final String PASSWORD = "change-me";
    static final Path PROJECT = Path.of("").toAbsolutePath();

    @Test
    void quickStart_followedLiterally_migratesAndServesTheUserFromItsShard() throws Exception {
        try (LocalTopology topology = LocalTopology.builder().shards(2).replicasPerShard(1).redis(false).build()) {
            Map<String, String> env = new LinkedHashMap<>();
            for (int i = 0; i < 2; i++) {
                PgShard shard = topology.shards().get(i);
                runDbaSql(shard.primary());
                shard.awaitReplicaCatchUp(Duration.ofSeconds(60));
                env.put("PG" + i + "_URL", shard.primary().withDatabase(DATABASE).jdbcUrl());
                env.put("PG" + i + "_REPLICA_URL", shard.replicas().get(0).withDatabase(DATABASE).jdbcUrl());
            }
            env.put("PG_PASSWORD", PASSWORD);

            Result migrate = java(env, false, "com.skyriff.data.cli.SkyriffCli", "migrate", "rules.yaml");
            assertEquals(0, migrate.exit, "skyriff migrate rules.yaml: exit code; output:\n" + migrate.output);

            Result run = java(env, true, "com.example.quickstart.QuickStart");
            assertEquals(0, run.exit, "QuickStart: exit code; output:\n" + run.output);
            assertTrue(run.output.matches("(?s).*user 42 is ada, 1 watch event\\(s\\) in \\d{4}-\\d{2}.*"),
                    "QuickStart: prints the row it wrote; output:\n" + run.output);
            assertFalse(run.output.contains("No SLF4J providers"), "QuickStart: logging is bound; output:\n"
                    + run.output);

            List<Long> rows = new ArrayList<>();
            for (PgShard shard : topology.shards()) {
                rows.add(count(shard.primary().withDatabase(DATABASE), "SELECT count(*) FROM users WHERE user_id = 42"));
            }
            assertEquals(1L, rows.stream().mapToLong(Long::longValue).sum(),
                    "user 42's row on exactly one shard primary; per shard: " + rows);
        }
    }

    /** dba.sql as psql would run it: one statement at a time (CREATE DATABASE refuses a transaction block). */
    static void runDbaSql(PgNode primary) throws IOException, SQLException {
        String sql = Files.readString(PROJECT.resolve("dba.sql")).replaceAll("(?m)^--.*$", "");
        try (Connection c = DriverManager.getConnection(primary.jdbcUrl(), primary.user(), primary.password());
             Statement s = c.createStatement()) {
            for (String statement : sql.split(";")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
        }
    }

    static long count(PgNode node, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(), node.user(), node.password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    record Result(int exit, String output) {
    }

    /**
     * A JVM in the project directory with {@code env} added to the environment, on this test's class path: for the
     * program only its runtime part (target/classes and the jars a service would have: no test classes, no testkit,
     * no command line); for the command line all but the program's classes.
     */
    static Result java(Map<String, String> env, boolean runtimeOnly, String mainClass, String... args)
            throws Exception {
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            boolean testOnly = name.equals("test-classes") || name.startsWith("skyriff-cli-")
                    || name.startsWith("skyriff-testkit-") || name.startsWith("junit-") || name.startsWith("picocli-")
                    || name.startsWith("skyriff-migrations-") || name.startsWith("flyway-");
            boolean program = name.equals("classes");   // the command line, as bin/skyriff starts it, has no program
            if (runtimeOnly ? !testOnly : !program) {
                classPath.add(entry);
            }
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, classPath), mainClass));
        command.addAll(List.of(args));
        File log = Files.createTempFile("quickstart-", ".log").toFile();
        ProcessBuilder pb = new ProcessBuilder(command).directory(PROJECT.toFile()).redirectErrorStream(true)
                .redirectOutput(log);
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(mainClass + ": did not finish within 3 minutes; output:\n"
                    + Files.readString(log.toPath(), StandardCharsets.UTF_8));
        }
        String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        System.out.println("---- " + mainClass + " " + String.join(" ", args) + " (exit " + p.exitValue() + ")\n" + output);
        return new Result(p.exitValue(), output);
    }
}
