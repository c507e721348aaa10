package com.skyriff.data.testkit;

/**
 * Where a Redis server of the topology listens, with stop/start for fault tests. Immutable value; {@link #stop()} and
 * {@link #start()} act on the server this JVM started on that port. Thread-safe.
 *
 * @param host {@code 127.0.0.1} for local processes
 * @param port the TCP port, the same after a restart
 */
public record RedisNode(String host, int port) {

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://" + host + ":" + port;
    }

    /** Stops the server (clients see connection refused); does nothing if it is stopped. */
    public void stop() {
        Registry.redis(host, port).stop();
    }

    /** Starts the server again on the same port, empty, and waits until it answers PING; no-op if it is running. */
    public void start() {
        Registry.redis(host, port).start();
    }
}
