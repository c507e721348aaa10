package com.skyriff.examples.demo;

import com.skyriff.examples.service.InsufficientFundsException;
import com.skyriff.examples.service.SkyriffService;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The demo's mixed workload: client threads run the reference service's operations in a fixed mix over skewed user
 * ids (a few users are hot, as on a real social app) for a set time, recording each operation's latency.
 */
final class Workload {
    /** The operations and their share of the mix (weights out of 100). */
    enum Op {
        PROFILE(35), WATCH_HISTORY(12), RECORD_WATCH(20), TOP_VIDEOS(10), FOLLOW(5), PUBLISH_VIDEO(3), CREDIT(7),
        DEBIT(8);

        final int weight;

        Op(int weight) {
            this.weight = weight;
        }
    }

    /** @param opsPerSecond operations completed in each second of the run (the last, partial second included) */
    record Result(Map<Op, Histogram> latencies, long operations, long errors, long refusedDebits, Duration elapsed,
                  long[] opsPerSecond, List<String> errorSamples) {
    }

    private final SkyriffService service;
    private final long[] users;
    private final long[] videoAuthors;
    private final long[] videos;
    private final Op[] mix = new Op[100];

    Workload(SkyriffService service, long[] users, long[] videoAuthors, long[] videos) {
        this.service = service;
        this.users = users;
        this.videoAuthors = videoAuthors;
        this.videos = videos;
        int i = 0;
        for (Op op : Op.values()) {
            for (int w = 0; w < op.weight; w++) {
                mix[i++] = op;
            }
        }
    }

    /** A skewed pick: low indexes are hot (roughly a power law). */
    static int skewed(SplittableRandom rnd, int n) {
        return (int) Math.min(n - 1, Math.floor(n * Math.pow(rnd.nextDouble(), 2.5)));
    }

    Result run(int threads, Duration duration, long seed) throws InterruptedException {
        Map<Op, Histogram> latencies = new EnumMap<>(Op.class);
        for (Op op : Op.values()) {
            latencies.put(op, new ConcurrentHistogram(3_600_000_000L, 3));
        }
        LongAdder ops = new LongAdder();
        LongAdder errors = new LongAdder();
        LongAdder refused = new LongAdder();
        List<String> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(threads);
        long start = System.nanoTime();
        int seconds = (int) Math.max(1, duration.toSeconds()) + 2;
        java.util.concurrent.atomic.AtomicLongArray perSecond = new java.util.concurrent.atomic.AtomicLongArray(seconds);
        for (int t = 0; t < threads; t++) {
            SplittableRandom rnd = new SplittableRandom(seed + t);
            Thread worker = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        Op op = mix[rnd.nextInt(100)];
                        long t0 = System.nanoTime();
                        try {
                            execute(op, rnd);
                        } catch (InsufficientFundsException e) {
                            refused.increment();
                        } catch (RuntimeException | LinkageError | AssertionError e) {
                            // anything but a refused debit is an error the report must show, not a dead client thread
                            errors.increment();
                            if (samples.size() < 5) {
                                samples.add(op + ": " + e);
                            }
                        }
                        long end = System.nanoTime();
                        latencies.get(op).recordValue(Math.max(1, (end - t0) / 1000));
                        ops.increment();
                        perSecond.incrementAndGet((int) Math.min(seconds - 1, (end - start) / 1_000_000_000L));
                    }
                } finally {
                    done.countDown();
                }
            }, "demo-client-" + t);
            worker.setDaemon(true);
            worker.start();
        }
        Thread.sleep(duration.toMillis());
        stop.set(true);
        done.await();
        long elapsed = System.nanoTime() - start;
        int used = (int) Math.min(seconds, (elapsed + 999_999_999L) / 1_000_000_000L);
        long[] timeline = new long[Math.max(1, used)];
        for (int i = 0; i < timeline.length; i++) {
            timeline[i] = perSecond.get(i);
        }
        return new Result(latencies, ops.sum(), errors.sum(), refused.sum(), Duration.ofNanos(elapsed), timeline,
                List.copyOf(samples));
    }

    private void execute(Op op, SplittableRandom rnd) {
        long user = users[skewed(rnd, users.length)];
        switch (op) {
            case PROFILE -> service.profile(user);
            case WATCH_HISTORY -> service.watchHistory(user, 3, 0, 20);
            case RECORD_WATCH -> {
                int v = skewed(rnd, videos.length);
                service.recordWatch(user, videoAuthors[v], videos[v], 1 + rnd.nextInt(600),
                        OffsetDateTime.now(ZoneOffset.UTC));
            }
            case TOP_VIDEOS -> service.topVideos(videoAuthors[skewed(rnd, videoAuthors.length)], 10);
            case FOLLOW -> service.follow(user, users[rnd.nextInt(users.length)]);
            case PUBLISH_VIDEO -> service.publishVideo(user, "clip " + rnd.nextInt(1_000_000), 5 + rnd.nextInt(600));
            case CREDIT -> service.credit(user, BigDecimal.valueOf(1 + rnd.nextInt(50)));
            case DEBIT -> service.debit(user, BigDecimal.valueOf(1 + rnd.nextInt(30)));
        }
    }
}
