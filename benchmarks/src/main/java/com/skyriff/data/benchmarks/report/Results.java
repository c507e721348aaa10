package com.skyriff.data.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The runs of one JMH JSON result file. Immutable, thread-safe. */
final class Results {
    /**
     * One benchmark run (one method with one parameter combination).
     *
     * @param benchmark   simple class name, e.g. {@code PointReadBenchmark}
     * @param method      the {@code @Benchmark} method
     * @param mode        {@code avgt}, {@code thrpt}, {@code sample} or {@code ss}
     * @param score       the primary score in {@code unit}
     * @param error       the 99.9 % confidence half-width, NaN when JMH had too few iterations to give one
     * @param percentiles sample mode's percentiles by their JMH key ({@code 50.0}, {@code 99.0}, ...)
     * @param secondary   secondary scores by name (e.g. the {@code reads} counter)
     * @param rawData     per fork, the score of each measured iteration (throughput and average-time modes)
     * @param histograms  per fork, sample mode's {value, count} pairs of all its measured iterations
     * @param part        the part of the full run it comes from ({@code benchmarks/run.sh part <name>}); "" for a
     *                    result read on its own
     */
    record Run(String benchmark, String method, String mode, int threads, int forks, Map<String, String> params,
               double score, double error, String unit, Map<String, Double> percentiles,
               Map<String, Double> secondary, String jdk, String vm, String warmup, String measurement,
               List<List<Double>> rawData, List<List<double[]>> histograms, String part) {

        Run withPart(String name) {
            return new Run(benchmark, method, mode, threads, forks, params, score, error, unit, percentiles, secondary,
                    jdk, vm, warmup, measurement, rawData, histograms, name);
        }

        /** The same benchmark, method and parameters (from any part). */
        boolean sameTrial(Run other) {
            return benchmark.equals(other.benchmark) && method.equals(other.method) && params.equals(other.params);
        }

        /** A percentile (e.g. 0.99) of each fork's own samples, in milliseconds; empty without histograms. */
        List<Double> forkPercentileMillis(double q) {
            List<Double> out = new ArrayList<>();
            for (List<double[]> fork : histograms) {
                double total = 0;
                for (double[] vc : fork) {
                    total += vc[1];
                }
                if (total == 0) {
                    continue;
                }
                List<double[]> sorted = new ArrayList<>(fork);
                sorted.sort((a, b) -> Double.compare(a[0], b[0]));
                double need = q * total;
                double seen = 0;
                double value = Double.NaN;
                for (double[] vc : sorted) {
                    seen += vc[1];
                    if (seen >= need) {
                        value = vc[0];
                        break;
                    }
                }
                out.add(value * perOpFactor(unit, 1e-3));
            }
            return out;
        }

        String param(String name) {
            return params.get(name);
        }

        /** The score in microseconds per operation; only for time units. */
        double micros() {
            return score * perOpFactor(unit, 1e-6);
        }

        /** A percentile in milliseconds; only for time units. */
        double percentileMillis(String key) {
            Double v = percentiles.get(key);
            return v == null ? Double.NaN : v * perOpFactor(unit, 1e-3);
        }

        /** The mean in seconds; only for time units. */
        double seconds() {
            return score * perOpFactor(unit, 1);
        }

        private static double perOpFactor(String unit, double target) {
            double seconds = switch (unit) {
                case "s/op" -> 1;
                case "ms/op" -> 1e-3;
                case "us/op" -> 1e-6;
                case "ns/op" -> 1e-9;
                default -> throw new IllegalStateException("not a time unit: " + unit);
            };
            return seconds / target;
        }
    }

    private final List<Run> runs;

    Results(List<Run> runs) {
        this.runs = List.copyOf(runs);
    }

    static Results read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    static Results parse(String json) {
        Object root = Json.parse(json);
        if (!(root instanceof List<?> list)) {
            throw new IllegalArgumentException("a JMH result file is a JSON array; was " + kind(root));
        }
        List<Run> out = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> m = (Map<String, Object>) o;
            String full = (String) m.get("benchmark");
            int dot = full.lastIndexOf('.');
            String cls = full.substring(0, dot);
            cls = cls.substring(cls.lastIndexOf('.') + 1);
            Map<String, String> params = new LinkedHashMap<>();
            Object p = m.get("params");
            if (p instanceof Map<?, ?> pm) {
                pm.forEach((k, v) -> params.put((String) k, String.valueOf(v)));
            }
            Map<String, Object> primary = (Map<String, Object>) m.get("primaryMetric");
            Map<String, Double> percentiles = new LinkedHashMap<>();
            if (primary.get("scorePercentiles") instanceof Map<?, ?> pc) {
                pc.forEach((k, v) -> percentiles.put((String) k, number(v)));
            }
            Map<String, Double> secondary = new LinkedHashMap<>();
            if (m.get("secondaryMetrics") instanceof Map<?, ?> sm) {
                sm.forEach((k, v) -> secondary.put((String) k, number(((Map<String, Object>) v).get("score"))));
            }
            List<List<Double>> rawData = new ArrayList<>();
            if (primary.get("rawData") instanceof List<?> forks) {
                for (Object f : forks) {
                    List<Double> its = new ArrayList<>();
                    for (Object v : (List<Object>) f) {
                        its.add(number(v));
                    }
                    rawData.add(List.copyOf(its));
                }
            }
            List<List<double[]>> histograms = new ArrayList<>();
            if (primary.get("rawDataHistogram") instanceof List<?> forks) {
                for (Object f : forks) {
                    List<double[]> pairs = new ArrayList<>();
                    for (Object it : (List<Object>) f) {
                        for (Object vc : (List<Object>) it) {
                            List<Object> pair = (List<Object>) vc;
                            pairs.add(new double[] {number(pair.get(0)), number(pair.get(1))});
                        }
                    }
                    histograms.add(List.copyOf(pairs));
                }
            }
            out.add(new Run(cls, full.substring(dot + 1), (String) m.get("mode"), number(m.get("threads")).intValue(),
                    number(m.get("forks")).intValue(), Map.copyOf(params), number(primary.get("score")),
                    number(primary.get("scoreError")), (String) primary.get("scoreUnit"), Map.copyOf(percentiles),
                    Map.copyOf(secondary), String.valueOf(m.get("jdkVersion")),
                    m.get("vmName") + " " + m.get("vmVersion"),
                    number(m.get("warmupIterations")).intValue() + " x " + m.get("warmupTime"),
                    number(m.get("measurementIterations")).intValue() + " x " + m.get("measurementTime"),
                    List.copyOf(rawData), List.copyOf(histograms), ""));
        }
        return new Results(out);
    }

    List<Run> runs() {
        return runs;
    }

    /**
     * The runs of several parts, newest part first, each run tagged with its part's name; a run of an older part that
     * a newer part also has (same benchmark, method and parameters) is left out, so every figure is the newest one.
     */
    static Results merge(List<String> names, List<Results> parts) {
        List<Run> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            for (Run r : parts.get(i).runs()) {
                if (out.stream().noneMatch(o -> o.sameTrial(r))) {
                    out.add(r.withPart(names.get(i)));
                }
            }
        }
        return new Results(out);
    }

    /** The run of {@code benchmark} whose parameters include every given {@code name=value} pair. */
    Optional<Run> find(String benchmark, String... paramPairs) {
        return runs.stream().filter(r -> r.benchmark().equals(benchmark) && matches(r, paramPairs)).findFirst();
    }

    /** The run of {@code benchmark}'s method {@code method} whose parameters include every {@code name=value} pair. */
    Optional<Run> findMethod(String benchmark, String method, String... paramPairs) {
        return runs.stream().filter(r -> r.benchmark().equals(benchmark) && r.method().equals(method)
                && matches(r, paramPairs)).findFirst();
    }

    private static boolean matches(Run r, String[] pairs) {
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (!pair.substring(eq + 1).equals(r.param(pair.substring(0, eq)))) {
                return false;
            }
        }
        return true;
    }

    private static Double number(Object v) {
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof String s) {
            try {
                return Double.valueOf(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    private static String kind(Object v) {
        return v == null ? "null" : v.getClass().getSimpleName();
    }
}
