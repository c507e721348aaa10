package com.skyriff.data.testkit;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One Redis command on a fresh connection, for the topology's own checks (PING, CLUSTER ..., SENTINEL ...), through
 * Jedis: the protocol is Jedis's, this only shapes the reply. Replies: simple and bulk strings as {@code String},
 * integers as {@code Long}, arrays as {@code List<Object>}, nil as {@code null}; an error reply or a failed connection
 * throws {@link IOException} ({@link ConnectException} when nothing listens). Thread-safe (no state).
 */
final class Resp {
    private static final int TIMEOUT_MILLIS = 5_000;

    private Resp() {
    }

    /** One command, one reply: {@code call(port, "CLUSTER", "INFO")}. */
    static Object call(int port, String... args) throws IOException {
        DefaultJedisClientConfig config = DefaultJedisClientConfig.builder().connectionTimeoutMillis(TIMEOUT_MILLIS)
                .socketTimeoutMillis(TIMEOUT_MILLIS).build();
        byte[] name = args[0].getBytes(StandardCharsets.UTF_8);
        ProtocolCommand command = () -> name;
        try (Jedis jedis = new Jedis(new HostAndPort(Ports.loopbackAddress().getHostAddress(), port), config)) {
            return reply(jedis.sendCommand(command, Arrays.copyOfRange(args, 1, args.length)));
        } catch (JedisConnectionException e) {
            ConnectException refused = refused(e, 0);
            if (refused != null) {
                throw refused;
            }
            throw new IOException("redis 127.0.0.1:" + port + " " + args[0] + ": " + e.getMessage(), e);
        } catch (JedisException e) {
            throw new IOException("redis 127.0.0.1:" + port + " replied " + e.getMessage(), e);
        }
    }

    /** The ConnectException among the causes and suppressed exceptions (Jedis adds one per address it tried). */
    private static ConnectException refused(Throwable t, int depth) {
        if (t == null || depth > 8) {
            return null;
        }
        if (t instanceof ConnectException c) {
            return c;
        }
        for (Throwable s : t.getSuppressed()) {
            ConnectException c = refused(s, depth + 1);
            if (c != null) {
                return c;
            }
        }
        return t.getCause() == t ? null : refused(t.getCause(), depth + 1);
    }

    private static Object reply(Object raw) {
        if (raw instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (raw instanceof List<?> items) {
            List<Object> out = new ArrayList<>(items.size());
            for (Object item : items) {
                out.add(reply(item));
            }
            return out;
        }
        return raw;
    }
}
