package com.skyriff.data.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Free loopback ports from the OS, never 5432 or 6379 and never the same one twice in a JVM. Thread-safe. */
final class Ports {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final InetAddress LOOPBACK = loopback();

    private Ports() {
    }

    static InetAddress loopbackAddress() {
        return LOOPBACK;
    }

    /** A free port on 127.0.0.1. The caller must retry with another port if the bind races with someone else. */
    static int free() {
        return find(false);
    }

    /** A free port whose Redis Cluster bus port ({@code port + 10000}) is free as well. */
    static int freeWithClusterBus() {
        return find(true);
    }

    private static int find(boolean clusterBus) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(LOOPBACK, 0));
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new TopologyException("ports: could not bind a socket on 127.0.0.1: " + e.getMessage(), e);
            }
            if (port == 5432 || port == 6379) {
                continue;
            }
            if (clusterBus && (port + 10_000 > 65_535 || !bindable(port + 10_000))) {
                continue;
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new TopologyException("ports: no free port on 127.0.0.1 after 200 attempts");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(LOOPBACK, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
