package com.skyriff.data.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The parts of the full run present in a results directory ({@code benchmarks/results/parts}): each part
 * {@code <name>} is JMH's {@code <name>.json}, the benchmarks' sidecar {@code <name>-extra.jsonl} and
 * {@code <name>.env} (written by {@code benchmarks/run.sh part <name>}: the commit, when it started and finished, its
 * estimated duration and settings, whether the layer code had uncommitted changes, then the machine's conditions
 * before and after). A part is stale when its commit differs from the newest part's in the layer's code
 * ({@link #LAYER_CODE}, asked of git: {@code git diff --quiet <a> <b> -- <layer code>}). Immutable, thread-safe.
 */
final class Parts {
    /** The layer's code: a part measured on a commit that differs from the newest part's here is stale. */
    static final List<String> LAYER_CODE = List.of("data-core", "sharding-config", "schema", "examples/src/main");

    /**
     * One part.
     *
     * @param status      current, stale or unknown (no staleness line for it)
     * @param why         the staleness line's explanation ("" when current)
     * @param environment the .env lines that are not one of the keys above (the machine's conditions)
     */
    record Part(String name, String commit, String started, String finished, String estimated, String settings,
                int layerDirty, String status, String why, List<String> environment, Results results, Extra extra) {
        Part withStatus(String s, String w) {
            return new Part(name, commit, started, finished, estimated, settings, layerDirty, s, w, environment,
                    results, extra);
        }

        boolean stale() {
            return "stale".equals(status);
        }

        String shortCommit() {
            return commit.isEmpty() ? "unknown commit" : commit.substring(0, Math.min(7, commit.length()));
        }

        /** "headline @ 1a2b3c4, 2026-12-03 19:10 UTC" (and "**stale**" when it is). */
        String label() {
            return name + " @ " + shortCommit() + (started.isEmpty() ? "" : ", " + started) + (stale() ? " (**stale**)" : "");
        }
    }

    private final List<Part> parts;

    Parts(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    static final Parts NONE = new Parts(List.of());

    /**
     * Reads every {@code <name>.json} of {@code dir} with its sidecar and .env; newest first (by the .env's
     * {@code finished:} time, then name); each part's staleness against the newest from {@code git} in {@code repo}.
     */
    static Parts read(Path dir, Git git) throws IOException {
        List<Part> out = new ArrayList<>();
        List<Path> jsons;
        try (Stream<Path> files = Files.list(dir)) {
            jsons = files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        for (Path json : jsons) {
            String name = json.getFileName().toString().replaceFirst("\\.json$", "");
            Path env = json.resolveSibling(name + ".env");
            List<String> lines = Files.exists(env) ? Files.readAllLines(env, StandardCharsets.UTF_8) : List.of();
            out.add(part(name, lines, Results.read(json), Extra.read(Extra.sidecarOf(json))));
        }
        return judged(out, git);
    }

    /** A part from its .env lines, its staleness not yet judged ("unknown"). */
    static Part part(String name, List<String> envLines, Results results, Extra extra) {
        Map<String, String> keys = new LinkedHashMap<>();
        List<String> environment = new ArrayList<>();
        for (String line : envLines) {
            int colon = line.indexOf(": ");
            String key = colon > 0 ? line.substring(0, colon) : "";
            if (List.of("part", "commit", "started", "finished", "estimated", "settings", "layer code").contains(key)) {
                keys.put(key, line.substring(colon + 2).strip());
            } else if (!line.isBlank()) {
                environment.add(line.strip());
            }
        }
        int dirty = 0;
        String lc = keys.getOrDefault("layer code", "0");
        try {
            dirty = Integer.parseInt(lc.split(" ", 2)[0]);
        } catch (NumberFormatException e) {
            dirty = -1;
        }
        return new Part(name, keys.getOrDefault("commit", ""), keys.getOrDefault("started", ""),
                keys.getOrDefault("finished", ""), keys.getOrDefault("estimated", ""),
                keys.getOrDefault("settings", ""), dirty, "unknown", "not judged", List.copyOf(environment), results,
                extra);
    }

    /** How the parts' commits compare in the layer code. */
    @FunctionalInterface
    interface Git {
        /** 0: the layer code is the same at both commits; 1: it differs; anything else: unknown (e.g. no such commit). */
        int diffLayerCode(String a, String b);

        /** {@code git diff --quiet <a> <b> -- <layer code>} in {@code repo}. */
        static Git in(Path repo) {
            return (a, b) -> {
                List<String> cmd = new ArrayList<>(List.of("git", "-C", repo.toString(), "diff", "--quiet", a, b, "--"));
                cmd.addAll(LAYER_CODE);
                try {
                    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                    p.getInputStream().readAllBytes();
                    return p.waitFor();
                } catch (IOException e) {
                    return -1;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            };
        }
    }

    /**
     * The parts newest first, each judged against the newest: current (same commit, or the same layer code), stale
     * (the layer code differs), or unknown (no commit recorded, a commit git does not know, or uncommitted changes in
     * the layer code when either ran).
     */
    static Parts judged(List<Part> parts, Git git) {
        List<Part> sorted = sortNewestFirst(parts);
        if (sorted.isEmpty()) {
            return new Parts(sorted);
        }
        Part newest = sorted.get(0);
        String nc = newest.commit();
        List<Part> out = new ArrayList<>();
        for (Part p : sorted) {
            String c = p.commit();
            String ref = "the newest part (" + newest.name() + ", " + newest.shortCommit() + ")";
            if (c.isEmpty() || nc.isEmpty()) {
                out.add(p.withStatus("unknown", "no commit recorded (no " + (c.isEmpty() ? p : newest).name() + ".env)"));
            } else if (p.layerDirty() != 0 || newest.layerDirty() != 0) {
                out.add(p.withStatus("unknown", "uncommitted changes in the layer code when it or " + ref + " ran"));
            } else if (c.equals(nc)) {
                out.add(p.withStatus("current", p == newest ? "" : "same commit as " + ref));
            } else {
                int rc = git.diffLayerCode(c, nc);
                out.add(rc == 0 ? p.withStatus("current", "same layer code as " + ref)
                        : rc == 1 ? p.withStatus("stale", "layer code differs from " + ref + ": `git diff "
                        + p.shortCommit() + " " + newest.shortCommit() + " -- " + String.join(" ", LAYER_CODE) + "`")
                        : p.withStatus("unknown", "git cannot compare " + p.shortCommit() + " with "
                        + newest.shortCommit() + " here"));
            }
        }
        return new Parts(out);
    }

    /** Newest first: the latest {@code finished:} time (ISO-like text sorts by time), unknown times last. */
    static List<Part> sortNewestFirst(List<Part> parts) {
        List<Part> sorted = new ArrayList<>(parts);
        sorted.sort(Comparator.comparing((Part p) -> p.finished().isEmpty() ? "" : p.finished()).reversed()
                .thenComparing(Part::name));
        return sorted;
    }

    /**
     * One JMH result of several (a part's steps, each one JMH invocation): the arrays' elements in order. Each text
     * must be a JSON array (checked by parsing it); an empty file (a step that ran nothing) counts as an empty array.
     */
    static String concat(List<String> jsonArrays) {
        StringBuilder out = new StringBuilder("[");
        for (String text : jsonArrays) {
            String t = text.strip();
            if (t.isEmpty()) {
                continue;
            }
            if (!(Json.parse(t) instanceof List<?> list)) {
                throw new IllegalArgumentException("a JMH result file is a JSON array; was " + t.substring(0,
                        Math.min(40, t.length())));
            }
            if (list.isEmpty()) {
                continue;
            }
            String inner = t.substring(1, t.length() - 1).strip();
            out.append(out.length() == 1 ? "\n" : ",\n").append(inner);
        }
        return out.append("\n]\n").toString();
    }

    List<Part> all() {
        return parts;
    }

    boolean isEmpty() {
        return parts.isEmpty();
    }

    Part get(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    /** All parts' runs, newest part first (a trial in two parts counts from the newer). */
    Results results() {
        return Results.merge(parts.stream().map(Part::name).toList(), parts.stream().map(Part::results).toList());
    }

    Extra extra() {
        return Extra.merge(parts.stream().map(Part::name).toList(), parts.stream().map(Part::extra).toList());
    }
}
