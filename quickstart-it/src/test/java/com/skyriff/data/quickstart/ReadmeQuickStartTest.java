package com.skyriff.data.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's Quick start blocks are the text of examples/quickstart's files (which the invoker build then runs): a
 * fenced block right after {@code <!-- quickstart: PATH -->} must equal that file, one after {@code <!-- quickstart:
 * PATH#NAME -->} the lines between {@code README:NAME begin} and {@code README:NAME end} in it, both without their
 * common indentation. Edit the file and the README together.
 */
class ReadmeQuickStartTest {
    static final Path ROOT = Path.of(System.getProperty("skyriff.root", "..")).toAbsolutePath().normalize();
    static final Pattern BLOCK = Pattern.compile("<!-- quickstart: (\\S+) -->\\R```\\w*\\R(.*?)^```", Pattern.DOTALL
            | Pattern.MULTILINE);
    static final List<String> REQUIRED = List.of("examples/quickstart/dba.sql", "examples/quickstart/rules.yaml",
            "examples/quickstart/db/migration/V1__create_tables.sql", "examples/quickstart/pom.xml#dependencies",
            "examples/quickstart/src/main/java/com/example/quickstart/QuickStart.java#java");

    static Map<String, String> readmeBlocks() throws IOException {
        Map<String, String> blocks = new LinkedHashMap<>();
        Matcher m = BLOCK.matcher(Files.readString(ROOT.resolve("README.md")));
        while (m.find()) {
            blocks.put(m.group(1), m.group(2));
        }
        return blocks;
    }

    static String source(String ref) throws IOException {
        int hash = ref.indexOf('#');
        String text = Files.readString(ROOT.resolve(hash < 0 ? ref : ref.substring(0, hash)));
        if (hash < 0) {
            return dedent(text);
        }
        String name = ref.substring(hash + 1);
        List<String> lines = text.lines().toList();
        int begin = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("README:" + name + " begin")) {
                begin = i;
            } else if (lines.get(i).contains("README:" + name + " end")) {
                end = i;
            }
        }
        assertThat(begin).as("%s: a 'README:%s begin' line", ref, name).isGreaterThanOrEqualTo(0);
        assertThat(end).as("%s: a 'README:%s end' line after its begin", ref, name).isGreaterThan(begin);
        return dedent(String.join("\n", lines.subList(begin + 1, end)) + "\n");
    }

    static String dedent(String text) {
        List<String> lines = text.lines().toList();
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(l.isBlank() ? "" : l.substring(indent));
        }
        return String.join("\n", out) + "\n";
    }

    @Test
    void readme_quickStartBlocks_areTheTextOfTheQuickstartProjectsFiles() throws IOException {
        Map<String, String> blocks = readmeBlocks();
        assertThat(blocks.keySet()).as("README.md: Quick start blocks marked <!-- quickstart: PATH -->")
                .containsAll(REQUIRED);
        for (Map.Entry<String, String> b : blocks.entrySet()) {
            assertThat(dedent(b.getValue())).as("README.md block <!-- quickstart: %s --> must be that file's text",
                    b.getKey()).isEqualTo(source(b.getKey()));
        }
    }

    @Test
    void readme_migrateStep_isTheCommandTheQuickstartTestRuns() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String test = Files.readString(ROOT.resolve(
                "examples/quickstart/src/test/java/com/example/quickstart/QuickStartTest.java"));
        assertThat(readme).as("README.md: the migrate step").contains("bin/skyriff migrate rules.yaml\n");
        assertThat(test).as("QuickStartTest runs the README's migrate command line")
                .contains("\"com.skyriff.data.cli.SkyriffCli\", \"migrate\", \"rules.yaml\")");
    }

    @Test
    void quickstartPom_skyriffVersions_areThisBuildsVersion() throws IOException {
        String pom = Files.readString(ROOT.resolve("examples/quickstart/pom.xml"));
        Matcher m = Pattern.compile("<artifactId>skyriff-[a-z-]+</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        int found = 0;
        while (m.find()) {
            found++;
            assertThat(m.group(1)).as("examples/quickstart/pom.xml: %s", m.group()).isEqualTo(
                    System.getProperty("skyriff.version"));
        }
        assertThat(found).as("examples/quickstart/pom.xml: skyriff dependencies with a version").isGreaterThan(0);
    }
}
