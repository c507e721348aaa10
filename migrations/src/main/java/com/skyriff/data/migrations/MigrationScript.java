package com.skyriff.data.migrations;

import com.skyriff.data.schema.SqlLexer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.flywaydb.core.api.MigrationVersion;

/**
 * One versioned migration file, {@code V<version>__<description>.sql}, written against logical table names.
 * Its checksum is computed the way Flyway computes an SQL migration's (CRC32 of its lines), so Flyway's own tools
 * see the history as consistent. Immutable, thread-safe.
 *
 * @param version     as written, e.g. {@code 2} or {@code 1.1}
 * @param description from the file name, underscores as spaces
 */
public record MigrationScript(String version, String description, String fileName, Path path, int checksum, String sql) {
    private static final Pattern NAME = Pattern.compile("V([0-9]+(?:[._][0-9]+)*)__(.+)\\.sql");

    /** {@code V2 add kind}, for messages and progress. */
    public String label() {
        return "V" + version + " " + description;
    }

    MigrationVersion flywayVersion() {
        return MigrationVersion.fromVersion(version.replace('_', '.'));
    }

    /** The statements, split at top-level semicolons. */
    public List<String> statements() {
        return SqlLexer.split(sql);
    }

    /**
     * A migration from text (e.g. a classpath resource), named like a file.
     *
     * @throws IllegalArgumentException when {@code fileName} is not {@code V<version>__<description>.sql}
     */
    public static MigrationScript of(String fileName, String sql) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            throw new IllegalArgumentException(fileName + ": not a versioned migration name; expected "
                    + "V<version>__<description>.sql such as V2__add_kind.sql");
        }
        return new MigrationScript(m.group(1), m.group(2).replace('_', ' '), fileName, Path.of(fileName), checksum(sql), sql);
    }

    /**
     * Every {@code V*__*.sql} file of {@code dir}, in version order.
     *
     * @throws IllegalArgumentException listing every file whose name is not a migration name, and duplicate versions
     */
    public static List<MigrationScript> load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": migrations directory does not exist");
        }
        List<String> problems = new ArrayList<>();
        List<MigrationScript> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (!name.endsWith(".sql") || !Files.isRegularFile(p)) {
                    continue;
                }
                Matcher m = NAME.matcher(name);
                if (!m.matches()) {
                    problems.add(dir.resolve(name) + ": file name is not a versioned migration; was '" + name
                            + "', expected V<version>__<description>.sql such as V2__add_kind.sql");
                    continue;
                }
                String sql = Files.readString(p, StandardCharsets.UTF_8);
                out.add(new MigrationScript(m.group(1), m.group(2).replace('_', ' '), name, p.toAbsolutePath(),
                        checksum(sql), sql));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot read migrations: " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(MigrationScript::flywayVersion));
        Map<MigrationVersion, String> seen = new HashMap<>();
        for (MigrationScript s : out) {
            String other = seen.putIfAbsent(s.flywayVersion(), s.fileName());
            if (other != null) {
                problems.add(s.path() + ": version " + s.version() + " is used twice; was '" + s.fileName() + "' and '"
                        + other + "', expected each version once");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join(System.lineSeparator(), problems));
        }
        return List.copyOf(out);
    }

    /** CRC32 over the lines without their line breaks (and without a byte-order mark), as Flyway does. */
    static int checksum(String sql) {
        CRC32 crc = new CRC32();
        try (BufferedReader r = new BufferedReader(new StringReader(sql))) {
            String line;
            boolean first = true;
            while ((line = r.readLine()) != null) {
                if (first && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                    line = line.substring(1);
                }
                first = false;
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (int) crc.getValue();
    }
}
