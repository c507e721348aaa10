package com.skyriff.data;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How long each step of one {@code SkyriffData.build()} took, in order: logged at debug when the build completes
 * ({@code com.skyriff.data.SkyriffData}) and read by the start-up measurement in data-core's test sources. Written by
 * the building thread only; not thread-safe.
 */
final class StartupPhases {
    private final long start = System.nanoTime();
    private final List<String> names = new ArrayList<>();
    private final List<Long> nanos = new ArrayList<>();
    private long last = start;

    /** Ends the current step under {@code name}. */
    void mark(String name) {
        long now = System.nanoTime();
        names.add(name);
        nanos.add(now - last);
        last = now;
    }

    /** The steps' names, in order. */
    List<String> names() {
        return List.copyOf(names);
    }

    /** Milliseconds of step {@code i}. */
    double millis(int i) {
        return nanos.get(i) / 1e6;
    }

    /** Milliseconds from the start to the last {@link #mark}. */
    double totalMillis() {
        return (last - start) / 1e6;
    }

    /** e.g. {@code 812 ms (pools 3 ms, month tables 120 ms, ...)}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder().append(TimeUnit.NANOSECONDS.toMillis(last - start)).append(" ms (");
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(names.get(i)).append(' ').append(TimeUnit.NANOSECONDS.toMillis(nanos.get(i))).append(" ms");
        }
        return b.append(')').toString();
    }
}
