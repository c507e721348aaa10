package com.skyriff.data.benchmarks;

import java.util.SplittableRandom;

/**
 * Zipf-distributed indexes in {@code [0, n)} whose hot items are scattered over the range: a Zipfian rank (Gray et
 * al., "Quickly Generating Billion-Record Synthetic Databases", SIGMOD 1994; the constant 0.99 as in YCSB) mapped
 * through a 64-bit FNV-1a hash, so the hottest users do not all sit next to each other (or in one bucket). Not
 * thread-safe: give each benchmark thread its own (they can share {@link Zeta}).
 */
final class ScrambledZipfian {
    static final double THETA = 0.99;

    /** The distribution's constants for {@code n} items; immutable, shareable across threads. */
    record Zeta(int n, double theta, double zetaN, double alpha, double eta, double zeta2) {
        static Zeta of(int n, double theta) {
            if (n < 2) {
                throw new IllegalArgumentException("ScrambledZipfian: n is too small; was " + n + ", expected >= 2");
            }
            double zetaN = 0;
            for (int i = 1; i <= n; i++) {
                zetaN += 1 / Math.pow(i, theta);
            }
            double zeta2 = 1 + 1 / Math.pow(2, theta);
            double alpha = 1 / (1 - theta);
            double eta = (1 - Math.pow(2.0 / n, 1 - theta)) / (1 - zeta2 / zetaN);
            return new Zeta(n, theta, zetaN, alpha, eta, zeta2);
        }
    }

    private final Zeta zeta;
    private final SplittableRandom random;

    ScrambledZipfian(Zeta zeta, long seed) {
        this.zeta = zeta;
        this.random = new SplittableRandom(seed);
    }

    /** The next item in {@code [0, n)}. */
    int next() {
        return (int) Long.remainderUnsigned(fnv1a(rank()), zeta.n());
    }

    /** The Zipfian rank in {@code [0, n)}: 0 is the most popular. */
    long rank() {
        double u = random.nextDouble();
        double uz = u * zeta.zetaN();
        if (uz < 1) {
            return 0;
        }
        if (uz < zeta.zeta2()) {
            return 1;
        }
        long r = (long) (zeta.n() * Math.pow(zeta.eta() * u - zeta.eta() + 1, zeta.alpha()));
        return Math.min(r, zeta.n() - 1);
    }

    /** FNV-1a over the 8 bytes of {@code v}. */
    static long fnv1a(long v) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < 8; i++) {
            h ^= v & 0xff;
            h *= 0x100000001b3L;
            v >>>= 8;
        }
        return h;
    }
}
