package com.skyriff.data.benchmarks;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Per-thread Zipf-distributed keys over the fixture's users and video authors; the same seeds every run. */
@State(Scope.Thread)
public class Keys {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private ScrambledZipfian users;
    private ScrambledZipfian authors;
    private Fixture fixture;

    @Setup(Level.Trial)
    public void setUp() {
        init(THREADS.getAndIncrement());
    }

    /** Keys for a steady-state warm-up thread (own seeds, so measured threads keep theirs). */
    static Keys warmup(int thread) {
        Keys k = new Keys();
        k.init(1_000_000 + thread);
        return k;
    }

    private void init(int t) {
        fixture = Fixture.get();
        users = new ScrambledZipfian(fixture.userZeta, 42 + t);
        authors = new ScrambledZipfian(fixture.authorZeta, 4242 + t);
    }

    /** A user id, hot users more often. */
    long user() {
        return fixture.users[users.next()];
    }

    /** An index into the fixture's authors and their videos, hot authors more often. */
    int author() {
        return authors.next();
    }
}
