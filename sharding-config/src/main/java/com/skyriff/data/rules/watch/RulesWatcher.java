package com.skyriff.data.rules.watch;

import com.skyriff.data.rules.RulesException;
import com.skyriff.data.rules.RulesProblem;
import com.skyriff.data.rules.RulesReader;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a running service on the rules of a {@link RulesSource}: reads the text when the source says it may have
 * changed, compares its SHA-256 with the applied text (a touch, or the same text published again, is no change),
 * checks it with {@link RulesReader} (every problem at once) and hands valid rules to the {@link Applier}. An invalid
 * text, or one the applier cannot start, is refused: one log line names the source and the keys at fault (values
 * masked, never a secret), the previous rules keep running, and {@link #status()} shows the refusal beside the
 * applied version. Checks run one at a time. Thread-safe.
 */
public final class RulesWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("com.skyriff.data.rules");

    /** Applies checked rules to the running service; throwing refuses them (the previous rules keep running). */
    @FunctionalInterface
    public interface Applier {
        void apply(Rules rules) throws Exception;
    }

    /** What {@link #check()} did. */
    public enum Outcome {
        /** The text changed and its rules now run. */
        APPLIED,
        /** The text is the one already applied (or the last refused). */
        UNCHANGED,
        /** The text changed but was refused; the previous rules keep running. */
        REFUSED,
        /** The source could not be read; the previous rules keep running. */
        UNREADABLE
    }

    /**
     * A change that was not applied.
     *
     * @param hash     SHA-256 of the refused text (hex, first 12 digits); null when the source could not be read
     * @param at       when it was refused
     * @param problems every problem, as in {@link RulesException#problems()} (credentials masked)
     * @param keys     the keys at fault, as the user wrote them; empty when the problem is not one key's
     */
    public record Refusal(String hash, Instant at, List<String> problems, List<String> keys) {
        public Refusal {
            problems = List.copyOf(problems);
            keys = List.copyOf(keys);
        }
    }

    /**
     * Where a watched service stands.
     *
     * @param source      the source, as {@link RulesSource#describe()} names it
     * @param version     1 for the rules it started with, one more for each change applied since
     * @param hash        SHA-256 of the applied text (hex, first 12 digits)
     * @param appliedAt   when the applied version was applied
     * @param lastRefused the last change refused since the applied version, or null
     */
    public record Status(String source, long version, String hash, Instant appliedAt, Refusal lastRefused) {
    }

    private final RulesSource source;
    private final Function<String, String> env;
    private final Clock clock;
    private final Rules initial;
    private Applier applier;
    private String appliedHash;
    private String refusedHash;
    private volatile Status status;
    private volatile boolean closed;

    private RulesWatcher(RulesSource source, Function<String, String> env, Clock clock, Rules initial, String hash) {
        this.source = source;
        this.env = env;
        this.clock = clock;
        this.initial = initial;
        this.appliedHash = hash;
        this.status = new Status(source.describe(), 1, shortHash(hash), Instant.now(clock), null);
    }

    /**
     * Reads and checks the source's current rules (the ones to start with); {@link #start} then watches it.
     *
     * @param env resolves {@code ${NAME}} in the text
     * @throws RulesException listing every problem of the current text, or naming the source when it cannot be read
     */
    public static RulesWatcher open(RulesSource source, Function<String, String> env, Clock clock) {
        Objects.requireNonNull(source, "source");
        String text;
        try {
            text = source.read();
        } catch (IOException e) {
            throw new RulesException(source.sourceName(), List.of(source.describe() + ": cannot be read: "
                    + Secret.mask(e.getMessage())));
        }
        Rules rules = parse(source, text, env, clock);
        return new RulesWatcher(source, env, clock, rules, sha256(text));
    }

    /** The rules the service starts with (version 1). */
    public Rules initial() {
        return initial;
    }

    public RulesSource source() {
        return source;
    }

    /** Starts watching: every change of the source's text is checked and, if valid, applied through {@code applier}. */
    public synchronized void start(Applier applier) {
        if (this.applier != null) {
            throw new IllegalStateException(source.describe() + ": the watcher was already started");
        }
        this.applier = Objects.requireNonNull(applier, "applier");
        source.watch(this::checkQuietly);
    }

    /**
     * Reads the source now and applies its text if it changed and is valid (what the watch does on a change; also
     * called by the layer when a write is fenced). Blocks until applied or refused.
     *
     * @throws IllegalStateException before {@link #start}
     */
    public synchronized Outcome check() {
        if (applier == null) {
            throw new IllegalStateException(source.describe() + ": check() before start(...)");
        }
        if (closed) {
            return Outcome.UNCHANGED;
        }
        String text;
        try {
            text = source.read();
        } catch (IOException | RuntimeException e) {
            String problem = source.describe() + ": cannot be read: " + Secret.mask(e.getMessage());
            refuse(null, List.of(problem), List.of());
            return Outcome.UNREADABLE;
        }
        String hash = sha256(text);
        if (hash.equals(appliedHash) || hash.equals(refusedHash)) {
            return Outcome.UNCHANGED;
        }
        Rules rules;
        try {
            rules = parse(source, text, env, clock);
        } catch (RulesException e) {
            List<String> keys = e.details().stream().map(RulesProblem::key).filter(Objects::nonNull).distinct()
                    .toList();
            refuse(hash, e.problems(), keys);
            return Outcome.REFUSED;
        }
        try {
            applier.apply(rules);
        } catch (Exception e) {
            refuse(hash, List.of(rules.name() + " - could not be started: " + Secret.mask(rootMessage(e))),
                    List.of());
            return Outcome.REFUSED;
        }
        Status before = status;
        appliedHash = hash;
        refusedHash = null;
        status = new Status(before.source(), before.version() + 1, shortHash(hash), Instant.now(clock), null);
        LOG.info("{} - rules version {} ({}) from {} applied", rules.name(), status.version(), status.hash(),
                source.describe());
        return Outcome.APPLIED;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.error("{}: checking a rules change failed; the previous rules keep running: {}", source.describe(),
                    Secret.mask(String.valueOf(e)));
        }
    }

    private void refuse(String hash, List<String> problems, List<String> keys) {
        Status before = status;
        refusedHash = hash;
        Refusal r = new Refusal(hash == null ? null : shortHash(hash), Instant.now(clock), problems, keys);
        status = new Status(before.source(), before.version(), before.hash(), before.appliedAt(), r);
        Set<String> shown = new LinkedHashSet<>(keys);
        LOG.error("{}: rules change {} refused{}; version {} ({}) keeps running: {}", source.describe(),
                r.hash() == null ? "(unreadable)" : r.hash(), shown.isEmpty() ? "" : " (keys " + shown + ")",
                before.version(), before.hash(), String.join("; ", problems));
    }

    /** The applied version and the last refused change. */
    public Status status() {
        return status;
    }

    private static Rules parse(RulesSource source, String text, Function<String, String> env, Clock clock) {
        if (RulesReader.isNative(text)) {
            throw new RulesException(source.sourceName(), List.of(source.sourceName() + ": is a native ShardingSphere"
                    + " configuration (dataSources: and rules:); a watched source must hold compact rules"));
        }
        return RulesReader.parse(text, source.sourceName(), env, clock);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String shortHash(String hash) {
        return hash.substring(0, 12);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        String last = e.toString();
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                last = t.getMessage();
            }
        }
        return last;
    }

    /** Stops watching and closes the source. Idempotent. */
    @Override
    public void close() {
        closed = true;
        source.close();
    }
}
