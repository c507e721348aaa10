package com.skyriff.data.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.internal.resolver.ChecksumCalculator;
import org.flywaydb.core.internal.resource.filesystem.FileSystemResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationScriptTest {
    @TempDir
    Path dir;

    @Test
    void checksum_anyFile_isTheOneFlywayComputesForItsOwnSqlMigrations() throws Exception {
        String sql = "\uFEFFCREATE TABLE a (x int);\r\n-- ünïcode comment\n\nALTER TABLE a ADD COLUMN y text;";
        Path file = Files.writeString(dir.resolve("V1__a.sql"), sql, StandardCharsets.UTF_8);
        int flyway = ChecksumCalculator.calculate(new FileSystemResource(Location.fromPath("filesystem:", dir.toString()),
                file.toString(), StandardCharsets.UTF_8, false));
        assertThat(MigrationScript.load(dir)).singleElement().extracting(MigrationScript::checksum).isEqualTo(flyway);
    }

    @Test
    void load_directory_ordersByVersionAndReadsDescriptions() throws Exception {
        Files.writeString(dir.resolve("V10__later.sql"), "SELECT 10;");
        Files.writeString(dir.resolve("V2__add_kind.sql"), "SELECT 2;");
        Files.writeString(dir.resolve("V1.1__small_fix.sql"), "SELECT 11;");
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        List<MigrationScript> scripts = MigrationScript.load(dir);
        assertThat(scripts).extracting(MigrationScript::label).containsExactly("V1.1 small fix", "V2 add kind", "V10 later");
    }

    @Test
    void load_badNamesAndDuplicateVersions_listsEveryProblem() throws Exception {
        Files.writeString(dir.resolve("create.sql"), "SELECT 1;");
        Files.writeString(dir.resolve("V2__a.sql"), "SELECT 1;");
        Files.writeString(dir.resolve("V2__b.sql"), "SELECT 1;");
        assertThatThrownBy(() -> MigrationScript.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.resolve("create.sql") + ": file name is not a versioned migration; was 'create.sql', "
                        + "expected V<version>__<description>.sql such as V2__add_kind.sql")
                .hasMessageContaining("version 2 is used twice; was 'V2__b.sql' and 'V2__a.sql', expected each version once");
    }

    @Test
    void load_missingDirectory_saysSo() {
        assertThatThrownBy(() -> MigrationScript.load(dir.resolve("nope")))
                .hasMessage(dir.resolve("nope") + ": migrations directory does not exist");
    }
}
