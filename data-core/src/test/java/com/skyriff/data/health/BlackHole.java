package com.skyriff.data.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP endpoint that accepts connections and never answers (a black hole: a server behind a dropped route
 * or a hung VM whose kernel still completes the handshake) until {@link #forward()} makes it a plain proxy to a real
 * server; {@link #silence()} makes it a black hole again, also for connections already open (their bytes are dropped
 * in both directions, the sockets stay open). Thread-safe.
 */
final class BlackHole implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean forwarding;
    private volatile boolean silent = true;

    BlackHole(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "black-hole-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** From now on, new connections reach the target; the silent ones are closed. */
    void forward() throws IOException {
        forwarding = true;
        silent = false;
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    /** From now on nothing answers: new connections are held, open ones drop every byte. */
    void silence() {
        forwarding = false;
        silent = true;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (!forwarding) {
                    sockets.add(client);   // held open, never read, never answered
                    continue;
                }
                Socket upstream = new Socket(targetHost, targetPort);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!silent) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // a side closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "black-hole-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
