package com.skyriff.data.benchmarks;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * What JMH does not measure, for one trial of one benchmark: the steady-state warm-up (run the workload until JIT
 * compilation has settled, with a bound), and per iteration the operations completed, the wall time and the CPU time
 * of each process group ({@link ProcCpu}) between the iteration's setup and its teardown. Each fact is one JSON line
 * appended to the sidecar file ({@code SKYRIFF_BENCH_EXTRA}, default {@code target/jmh-extra.jsonl} under the working
 * directory), keyed by the benchmark's full name, its parameters and the fork's pid, which the report joins with
 * JMH's result. Thread-safe: {@link #op()} from any thread; the rest from JMH's setup and teardown.
 */
final class Probe {
    /** Upper bound of the steady-state warm-up, seconds ({@code SKYRIFF_BENCH_SETTLE_MAX_S}; smoke sets it low). */
    static final double SETTLE_MAX_S = envDouble("SKYRIFF_BENCH_SETTLE_MAX_S", 240);
    /** The window over which compilation must stop growing, seconds. */
    static final double SETTLE_WINDOW_S = Math.min(10, Math.max(0.2, SETTLE_MAX_S / 4));
    /** Settled: less than this share of the window spent compiling (summed over compiler threads). */
    static final double SETTLE_SHARE = 0.02;
    private static final Object FILE_LOCK = new Object();

    private final String benchmark;
    private final Map<String, String> params;
    private final int threads;
    private final long fork = ProcessHandle.current().pid();
    private final ProcCpu cpu;
    private final LongAdder ops = new LongAdder();
    private int warmups;
    private int measurements;
    private Map<ProcCpu.Group, Double> startCpu;
    private long startNanos;
    private String phase;
    private int index;

    Probe(BenchmarkParams bp, ProcCpu cpu) {
        this.benchmark = bp.getBenchmark();
        Map<String, String> p = new TreeMap<>();
        for (String k : bp.getParamsKeys()) {
            p.put(k, bp.getParam(k));
        }
        this.params = Map.copyOf(p);
        this.threads = bp.getThreads();
        this.cpu = cpu;
    }

    int threads() {
        return threads;
    }

    /** Counts one completed operation. */
    void op() {
        ops.increment();
    }

    /**
     * Runs {@code work} on {@link #threads()} threads (each its own index) until the JVM's total compilation time
     * grows by less than {@value #SETTLE_SHARE} of a {@link #SETTLE_WINDOW_S} window, or {@link #SETTLE_MAX_S} passed;
     * records how long it took and whether it settled. Failures of the work end the warm-up with that failure.
     */
    void settle(WarmupWork work) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean monitored = jit != null && jit.isCompilationTimeMonitoringSupported();
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> pool = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        work.run(id);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                    stop.set(true);
                }
            }, "bench-settle-" + t);
            th.setDaemon(true);
            pool.add(th);
            th.start();
        }
        long t0 = System.nanoTime();
        long startCompile = monitored ? jit.getTotalCompilationTime() : 0;
        List<long[]> history = new ArrayList<>();  // {nanos, compile ms}
        boolean settled = false;
        long pollMs = (long) Math.max(50, SETTLE_WINDOW_S * 100);
        while (!stop.get()) {
            sleep(pollMs);
            long now = System.nanoTime();
            long compile = monitored ? jit.getTotalCompilationTime() : 0;
            history.add(new long[] {now, compile});
            double elapsed = (now - t0) / 1e9;
            long windowStart = now - (long) (SETTLE_WINDOW_S * 1e9);
            if (monitored && elapsed >= SETTLE_WINDOW_S) {
                long[] first = null;
                for (long[] h : history) {
                    if (h[0] >= windowStart) {
                        first = h;
                        break;
                    }
                }
                if (first != null && compile - first[1] < SETTLE_SHARE * SETTLE_WINDOW_S * 1000) {
                    settled = true;
                    break;
                }
            }
            if (elapsed >= SETTLE_MAX_S) {
                break;
            }
        }
        stop.set(true);
        for (Thread th : pool) {
            try {
                th.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(benchmark + " " + params + ": the steady-state warm-up failed: "
                    + failures.get(0), failures.get(0));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long compileMs = monitored ? jit.getTotalCompilationTime() - startCompile : -1;
        write("{\"type\":\"settle\"," + key() + ",\"seconds\":" + num(seconds) + ",\"settled\":" + settled
                + ",\"monitored\":" + monitored + ",\"compileMs\":" + compileMs + ",\"boundS\":" + num(SETTLE_MAX_S)
                + ",\"windowS\":" + num(SETTLE_WINDOW_S) + "}");
        System.out.printf(Locale.ROOT, "[probe] %s %s: warm-up %.1f s, JIT %s (%d ms compiling)%n", benchmark, params,
                seconds, settled ? "settled" : "NOT settled within the bound", compileMs);
    }

    /** Starts an iteration's sample (call last in the iteration's setup, after any data reset). */
    void start(IterationParams ip) {
        boolean warmup = ip.getType() == IterationType.WARMUP;
        phase = warmup ? "warmup" : "measurement";
        index = warmup ? ++warmups : ++measurements;
        ops.reset();
        startCpu = cpu.sample();
        startNanos = System.nanoTime();
    }

    /** Ends the iteration's sample (call first in the iteration's teardown) and records it. */
    void stop() {
        long nanos = System.nanoTime() - startNanos;
        Map<ProcCpu.Group, Double> end = cpu.sample();
        long n = ops.sum();
        StringBuilder s = new StringBuilder("{\"type\":\"iteration\",").append(key()).append(",\"phase\":\"")
                .append(phase).append("\",\"index\":").append(index).append(",\"seconds\":").append(num(nanos / 1e9))
                .append(",\"ops\":").append(n).append(",\"cpuMs\":{");
        boolean first = true;
        if (cpu.available()) {
            for (ProcCpu.Group g : ProcCpu.Group.values()) {
                s.append(first ? "" : ",").append('"').append(g.key()).append("\":")
                        .append(num(end.get(g) - startCpu.get(g)));
                first = false;
            }
        }
        write(s.append("}}").toString());
    }

    /** A ceiling measured by an external tool (or why it could not be). */
    static void ceiling(String tool, String what, int clients, double perSecond, String missing) {
        write("{\"type\":\"ceiling\",\"tool\":\"" + tool + "\",\"what\":\"" + what + "\",\"clients\":" + clients
                + ",\"perSecond\":" + (Double.isNaN(perSecond) ? "null" : num(perSecond)) + ",\"missing\":"
                + (missing == null ? "null" : "\"" + missing.replace("\\", "/").replace("\"", "'") + "\"") + "}");
    }

    private String key() {
        StringBuilder s = new StringBuilder("\"benchmark\":\"").append(benchmark).append("\",\"threads\":")
                .append(threads).append(",\"fork\":").append(fork).append(",\"params\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
            s.append(first ? "" : ",").append('"').append(e.getKey()).append("\":\"").append(e.getValue()).append('"');
            first = false;
        }
        return s.append('}').toString();
    }

    static Path file() {
        String f = System.getenv("SKYRIFF_BENCH_EXTRA");
        return Path.of(f == null || f.isBlank() ? "target/jmh-extra.jsonl" : f);
    }

    private static void write(String line) {
        synchronized (FILE_LOCK) {
            try {
                Path f = file().toAbsolutePath();
                Files.createDirectories(f.getParent());
                Files.writeString(f, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new IllegalStateException("Probe: cannot append to " + file() + ": " + e.getMessage(), e);
            }
        }
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static double envDouble(String name, double dflt) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number; was '" + v + "', expected seconds");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One warm-up operation on warm-up thread {@code thread}. */
    @FunctionalInterface
    interface WarmupWork {
        void run(int thread) throws Exception;
    }
}
