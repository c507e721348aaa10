package com.skyriff.data.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the benchmarks record beside JMH's result (the sidecar file, one JSON object per line, written by the
 * benchmarks' {@code Probe}): the steady-state warm-up of every trial, per iteration the operations, wall time and
 * CPU time by process group, and the C tools' ceilings. Immutable, thread-safe.
 */
final class Extra {
    /** The CPU groups in report order, with their labels. */
    static final Map<String, String> GROUPS = groups();

    /** One trial's steady-state warm-up in one fork. */
    record Settle(String benchmark, String method, Map<String, String> params, long fork, double seconds,
                  boolean settled, boolean monitored, double compileMs, double boundSeconds, String part) {
    }

    /** One iteration of one trial in one fork. */
    record Iteration(String benchmark, String method, Map<String, String> params, long fork, boolean measured,
                     int index, double seconds, double ops, Map<String, Double> cpuMs, String part) {
        double opsPerSecond() {
            return seconds > 0 ? ops / seconds : Double.NaN;
        }
    }

    /** One ceiling figure of a C tool, or why there is none. */
    record Ceiling(String tool, String what, int clients, double perSecond, String missing) {
    }

    private final List<Settle> settles;
    private final List<Iteration> iterations;
    private final List<Ceiling> ceilings;

    Extra(List<Settle> settles, List<Iteration> iterations, List<Ceiling> ceilings) {
        this.settles = List.copyOf(settles);
        this.iterations = List.copyOf(iterations);
        this.ceilings = List.copyOf(ceilings);
    }

    static final Extra NONE = new Extra(List.of(), List.of(), List.of());

    /** The sidecar of a JMH result file: {@code x.json} has {@code x-extra.jsonl}; none if it does not exist. */
    static Path sidecarOf(Path json) {
        String name = json.getFileName().toString();
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return json.resolveSibling(base + "-extra.jsonl");
    }

    static Extra read(Path file) throws IOException {
        return Files.exists(file) ? parse(Files.readString(file)) : NONE;
    }

    @SuppressWarnings("unchecked")
    static Extra parse(String text) {
        List<Settle> settles = new ArrayList<>();
        List<Iteration> iterations = new ArrayList<>();
        List<Ceiling> ceilings = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            Object o = Json.parse(line);
            if (!(o instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("sidecar line " + lineNo + " is not a JSON object; was " + line);
            }
            Map<String, Object> m = (Map<String, Object>) o;
            String type = String.valueOf(m.get("type"));
            switch (type) {
                case "settle" -> {
                    String[] bm = split(m);
                    settles.add(new Settle(bm[0], bm[1], params(m), num(m.get("fork")).longValue(),
                            num(m.get("seconds")), Boolean.TRUE.equals(m.get("settled")),
                            !Boolean.FALSE.equals(m.get("monitored")), num(m.get("compileMs")),
                            num(m.get("boundS")), ""));
                }
                case "iteration" -> {
                    String[] bm = split(m);
                    Map<String, Double> cpu = new LinkedHashMap<>();
                    if (m.get("cpuMs") instanceof Map<?, ?> c) {
                        c.forEach((k, v) -> cpu.put((String) k, num(v)));
                    }
                    iterations.add(new Iteration(bm[0], bm[1], params(m), num(m.get("fork")).longValue(),
                            "measurement".equals(m.get("phase")), num(m.get("index")).intValue(),
                            num(m.get("seconds")), num(m.get("ops")), Map.copyOf(cpu), ""));
                }
                case "ceiling" -> ceilings.add(new Ceiling(String.valueOf(m.get("tool")), String.valueOf(m.get("what")),
                        num(m.get("clients")).intValue(), num(m.get("perSecond")),
                        m.get("missing") == null ? null : String.valueOf(m.get("missing"))));
                default -> throw new IllegalArgumentException("sidecar line " + lineNo + ": type must be one of"
                        + " [settle, iteration, ceiling]; was '" + type + "'");
            }
        }
        return new Extra(settles, iterations, ceilings);
    }

    /** The sidecars of several parts as one, each line tagged with its part's name (joined with runs by part). */
    static Extra merge(List<String> names, List<Extra> parts) {
        List<Settle> s = new ArrayList<>();
        List<Iteration> it = new ArrayList<>();
        List<Ceiling> c = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            String name = names.get(i);
            Extra e = parts.get(i);
            e.settles.forEach(x -> s.add(new Settle(x.benchmark(), x.method(), x.params(), x.fork(), x.seconds(),
                    x.settled(), x.monitored(), x.compileMs(), x.boundSeconds(), name)));
            e.iterations.forEach(x -> it.add(new Iteration(x.benchmark(), x.method(), x.params(), x.fork(),
                    x.measured(), x.index(), x.seconds(), x.ops(), x.cpuMs(), name)));
            c.addAll(e.ceilings);
        }
        return new Extra(s, it, c);
    }

    List<Settle> settles(Results.Run run) {
        return settles.stream().filter(s -> same(run, s.benchmark(), s.method(), s.params(), s.part())).toList();
    }

    /** Every trial's warm-up that reached its bound before the JIT settled. */
    List<Settle> unsettled() {
        return settles.stream().filter(s -> s.monitored() && !s.settled()).toList();
    }

    List<Settle> settles() {
        return settles;
    }

    /** The measured iterations of a run, by fork (in the order the forks appear), each in iteration order. */
    List<List<Iteration>> measured(Results.Run run) {
        Map<Long, List<Iteration>> byFork = new LinkedHashMap<>();
        for (Iteration i : iterations) {
            if (i.measured() && same(run, i.benchmark(), i.method(), i.params(), i.part())) {
                byFork.computeIfAbsent(i.fork(), f -> new ArrayList<>()).add(i);
            }
        }
        List<List<Iteration>> out = new ArrayList<>();
        for (List<Iteration> l : byFork.values()) {
            l.sort((a, b) -> Integer.compare(a.index(), b.index()));
            out.add(List.copyOf(l));
        }
        return out;
    }

    /** CPU milliseconds per operation by group over a run's measured iterations; empty when none were sampled. */
    Map<String, Double> cpuPerOpMs(Results.Run run) {
        Map<String, Double> cpu = new TreeMap<>();
        double ops = 0;
        for (List<Iteration> fork : measured(run)) {
            for (Iteration i : fork) {
                if (i.cpuMs().isEmpty()) {
                    continue;
                }
                ops += i.ops();
                i.cpuMs().forEach((k, v) -> cpu.merge(k, v, Double::sum));
            }
        }
        if (ops <= 0 || cpu.isEmpty()) {
            return Map.of();
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String g : GROUPS.keySet()) {
            out.put(g, cpu.getOrDefault(g, 0.0) / ops);
        }
        return out;
    }

    /** CPU milliseconds per wall-clock second by group over a run's measured iterations (cores busy x 1000). */
    Map<String, Double> cpuPerSecondMs(Results.Run run) {
        Map<String, Double> cpu = new TreeMap<>();
        double seconds = 0;
        for (List<Iteration> fork : measured(run)) {
            for (Iteration i : fork) {
                if (!i.cpuMs().isEmpty()) {
                    seconds += i.seconds();
                    i.cpuMs().forEach((k, v) -> cpu.merge(k, v, Double::sum));
                }
            }
        }
        if (seconds <= 0) {
            return Map.of();
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String g : GROUPS.keySet()) {
            out.put(g, cpu.getOrDefault(g, 0.0) / seconds);
        }
        return out;
    }

    List<Ceiling> ceilings() {
        return ceilings;
    }

    boolean isEmpty() {
        return settles.isEmpty() && iterations.isEmpty() && ceilings.isEmpty();
    }

    private static boolean same(Results.Run run, String benchmark, String method, Map<String, String> params,
                                String part) {
        return run.benchmark().equals(benchmark) && run.method().equals(method) && run.params().equals(params)
                && run.part().equals(part);
    }

    /** Client-JVM CPU milliseconds per operation of each fork of a run (forks without CPU samples left out). */
    List<Double> clientCpuPerOpByFork(Results.Run run) {
        List<Double> out = new ArrayList<>();
        for (List<Iteration> fork : measured(run)) {
            double ops = 0;
            double ms = 0;
            for (Iteration i : fork) {
                Double c = i.cpuMs().get("client");
                if (c != null) {
                    ops += i.ops();
                    ms += c;
                }
            }
            if (ops > 0) {
                out.add(ms / ops);
            }
        }
        return out;
    }

    /** {simple class name, method} of the line's full benchmark name, as {@link Results} names runs. */
    private static String[] split(Map<String, Object> m) {
        String full = String.valueOf(m.get("benchmark"));
        int dot = full.lastIndexOf('.');
        String cls = full.substring(0, Math.max(dot, 0));
        return new String[] {cls.substring(cls.lastIndexOf('.') + 1), full.substring(dot + 1)};
    }

    private static Map<String, String> params(Map<String, Object> m) {
        Map<String, String> out = new LinkedHashMap<>();
        if (m.get("params") instanceof Map<?, ?> p) {
            p.forEach((k, v) -> out.put((String) k, String.valueOf(v)));
        }
        return Map.copyOf(out);
    }

    private static Double num(Object v) {
        return v instanceof Double d ? d : Double.NaN;
    }

    private static Map<String, String> groups() {
        Map<String, String> g = new LinkedHashMap<>();
        g.put("client", "client JVM");
        g.put("primaries", "primaries' backends");
        g.put("replicas", "replicas' backends");
        g.put("replication", "replication");
        g.put("pg_other", "PostgreSQL background");
        g.put("redis", "Redis");
        return java.util.Collections.unmodifiableMap(g);
    }
}
