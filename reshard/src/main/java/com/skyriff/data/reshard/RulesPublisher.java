package com.skyriff.data.reshard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a cutover (or an abort after one) publishes the rules every running instance must switch to. The file case is
 * here; a coordination service (ZooKeeper) implements the same method. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface RulesPublisher {
    /** Makes {@code rulesText} the rules in force; returns once readers see it. */
    void publish(String rulesText) throws IOException;

    /**
     * Atomically replaces {@code liveRules}: the text goes to a temporary file in the same directory, then one rename
     * (so a watcher never reads half a file).
     */
    static RulesPublisher file(Path liveRules) {
        Path target = liveRules.toAbsolutePath();
        return text -> {
            Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, text);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        };
    }
}
