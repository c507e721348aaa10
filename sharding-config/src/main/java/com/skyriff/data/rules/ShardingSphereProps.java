package com.skyriff.data.rules;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.shardingsphere.infra.config.props.ConfigurationPropertyKey;

/** The ShardingSphere property keys a rules file may pass through under {@code props:}. */
final class ShardingSphereProps {
    private ShardingSphereProps() {
    }

    static Set<String> keys() {
        return Arrays.stream(ConfigurationPropertyKey.values()).map(ConfigurationPropertyKey::getKey)
                .filter(k -> !k.startsWith("proxy-") && !k.startsWith("cdc-"))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
