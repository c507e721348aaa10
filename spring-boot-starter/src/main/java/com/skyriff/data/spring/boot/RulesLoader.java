package com.skyriff.data.spring.boot;

import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.RulesException;
import com.skyriff.data.rules.RulesReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/** Reads {@code skyriff.data.rules} through Spring's resources and resolves its placeholders through the Environment. */
final class RulesLoader {
    static final String KEY = "skyriff.data.rules";

    private RulesLoader() {
    }

    static Rules load(String location, ResourceLoader resources, Environment environment) {
        String text = text(location, resources);
        if (RulesReader.isNative(text)) {
            throw new RulesException(location, List.of(KEY + ": native ShardingSphere YAML is not supported by the"
                    + " Spring Boot starter; was '" + location + "', expected a compact rules file (README, \"The"
                    + " rules file\")"));
        }
        Resource r = resources.getResource(resourceLocation(location));
        String source = r.getFilename() == null ? location : r.getFilename();
        // the Environment resolves ${name}: application properties, env vars, system properties, config servers
        return RulesReader.parse(text, source, environment::getProperty, Clock.systemUTC());
    }

    /** The rules text, or null if there is none (for conditions); never throws. */
    static String textOrNull(String location, ResourceLoader resources) {
        try {
            return text(location, resources);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String text(String location, ResourceLoader resources) {
        if (location == null || location.isBlank()) {
            throw new RulesException(KEY, List.of(KEY + " is not set; was '" + location + "', expected a resource"
                    + " location such as classpath:rules.yaml or a file path"));
        }
        Resource r = resources.getResource(resourceLocation(location));
        if (!r.exists()) {
            throw new RulesException(location, List.of(KEY + ": no such rules file; was '" + location
                    + "', expected a readable classpath: resource or file"));
        }
        try (InputStream in = r.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RulesException(location, List.of(KEY + ": cannot be read (" + e.getClass().getSimpleName()
                    + "); was '" + location + "'"));
        }
    }

    /** A plain path (no {@code classpath:}/{@code file:} prefix, no URL scheme) is a file. */
    private static String resourceLocation(String location) {
        return location.startsWith("classpath:") || location.startsWith("classpath*:") || location.contains("://")
                || location.startsWith("file:") ? location : "file:" + location;
    }
}
