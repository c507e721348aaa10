package com.skyriff.data.testkit;

/** Stops and starts one Redis server on its port; two implementations: a local process and a container. */
interface RedisControl {
    RedisNode node();

    /** Stops the server; does nothing if it is stopped. */
    void stop();

    /** Starts the server again on the same port and waits for PING; does nothing if it is running. */
    void start();

    /** Stops the server for good and forgets it. */
    void close();
}
