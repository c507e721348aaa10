package com.skyriff.data.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this JVM started: every live topology (stopped by one JVM shutdown hook) and every Redis server by port, so
 * that {@link RedisNode#stop()} and {@link RedisNode#start()} find their process. Thread-safe.
 */
final class Registry {
    private static final Map<Object, Runnable> STOPPERS = new ConcurrentHashMap<>();
    private static final Map<Integer, RedisControl> REDIS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Registry::stopAll, "skyriff-topology-shutdown"));
    }

    private Registry() {
    }

    /** Installs the shutdown hook (class initialization) before the first server starts. */
    static void init() {
        // nothing else: loading the class is the point
    }

    static void register(Object owner, Runnable stopper) {
        STOPPERS.put(owner, stopper);
    }

    static void unregister(Object owner) {
        STOPPERS.remove(owner);
    }

    static void registerRedis(int port, RedisControl control) {
        REDIS.put(port, control);
    }

    static void unregisterRedis(int port) {
        REDIS.remove(port);
    }

    static RedisControl redis(String host, int port) {
        RedisControl control = REDIS.get(port);
        if (control == null) {
            throw new IllegalStateException("redis " + host + ":" + port
                    + " - not a Redis server started by this JVM's testkit; stop() and start() work only on those");
        }
        return control;
    }

    private static void stopAll() {
        List<Thread> threads = new ArrayList<>();
        for (Runnable stopper : STOPPERS.values()) {
            Thread thread = new Thread(() -> {
                try {
                    stopper.run();
                } catch (RuntimeException e) {
                    Log.info("shutdown: " + e.getMessage());
                }
            }, "skyriff-topology-stop");
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            try {
                thread.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Workspace.killLeftovers();
    }
}
