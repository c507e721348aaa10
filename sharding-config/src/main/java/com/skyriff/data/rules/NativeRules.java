package com.skyriff.data.rules;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.shardingsphere.driver.yaml.YamlJDBCConfiguration;
import org.apache.shardingsphere.infra.util.yaml.YamlEngine;
import org.apache.shardingsphere.infra.yaml.config.swapper.rule.YamlRuleConfigurationSwapperEngine;

/**
 * A native ShardingSphere 5.5 YAML configuration, used unchanged (pass-through mode). Checked at load time as strictly
 * as the compact format (every problem at once, each with file, line and key), then with ShardingSphere's own YAML
 * model, so that a broken file fails with the file's name, not deep inside startup or at the first statement.
 * Immutable, thread-safe.
 */
public final class NativeRules {
    private final String source;
    private final byte[] yaml;

    private NativeRules(String source, byte[] yaml) {
        this.source = source;
        this.yaml = yaml;
    }

    public static NativeRules read(Path file) {
        return parse(RulesReader.readText(file), file.getFileName().toString());
    }

    /**
     * Checks the file (see {@link NativeRulesCheck}: references, registered algorithm types and their properties,
     * data sources, unknown keys; every problem at once, each {@code file:line: key ...}), then ShardingSphere's own YAML
     * model reads it and swaps its rules, so what ShardingSphere would still refuse is reported here too.
     *
     * @throws RulesException listing every problem
     */
    public static NativeRules parse(String text, String source) {
        List<RulesProblem> problems = new ArrayList<>(NativeRulesCheck.check(text, source));
        if (problems.isEmpty()) {
            try {
                YamlJDBCConfiguration cfg = YamlEngine.unmarshal(text.getBytes(StandardCharsets.UTF_8),
                        YamlJDBCConfiguration.class);
                if (cfg.getRules() != null) {
                    new YamlRuleConfigurationSwapperEngine().swapToRuleConfigurations(cfg.getRules());
                }
            } catch (java.io.IOException | RuntimeException e) {
                Throwable root = e;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                problems.add(new RulesProblem(source, null, null, null, null,
                        source + ": not a valid ShardingSphere 5.5 configuration: " + root.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw RulesException.of(source, problems);
        }
        return new NativeRules(source, text.getBytes(StandardCharsets.UTF_8));
    }

    public String source() {
        return source;
    }

    /** ShardingSphere's YAML model of the file, read anew (it is mutable): for offline checks such as the CLI's. */
    public YamlJDBCConfiguration configuration() {
        try {
            return YamlEngine.unmarshal(yaml, YamlJDBCConfiguration.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(source + ": not a valid ShardingSphere 5.5 configuration: " + e.getMessage(), e);
        }
    }

    /** The file's bytes, for {@code YamlShardingSphereDataSourceFactory}. */
    public byte[] yaml() {
        return yaml.clone();
    }
}
