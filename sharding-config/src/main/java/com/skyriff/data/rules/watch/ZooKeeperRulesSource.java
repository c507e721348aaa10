package com.skyriff.data.rules.watch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.common.PathUtils;
import org.apache.zookeeper.data.Stat;

/**
 * The rules text in one ZooKeeper znode, through Apache Curator: every service of a fleet watches the same znode
 * (a {@link CuratorCache} of that node) and re-reads it after a reconnect, since a change made while it was cut off
 * fires no event. {@link #publish} sets the znode's data with a compare-and-set on the version this source last saw
 * (it reads first if it saw none), creating the znode if it does not exist. Curator retries lost connections with an
 * exponential back-off. Needs {@code org.apache.curator:curator-recipes} on the class path (optional in
 * sharding-config). Thread-safe.
 */
public final class ZooKeeperRulesSource implements RulesSource {
    /** How long {@link #connect} waits for the first connection. */
    public static final long CONNECT_TIMEOUT_MS = 15_000;

    private final String connectString;
    private final String path;
    private final CuratorFramework client;
    private final Object lock = new Object();
    /** The znode version last read or written here; -1 before the first read. */
    private int version = -1;
    private CuratorCache cache;

    private ZooKeeperRulesSource(String connectString, String path, CuratorFramework client) {
        this.connectString = connectString;
        this.path = path;
        this.client = client;
    }

    /**
     * Connects to ZooKeeper and waits up to {@link #CONNECT_TIMEOUT_MS} for the connection.
     *
     * @param connectString e.g. {@code zk1:2181,zk2:2181,zk3:2181}
     * @param path          the znode holding the rules text, e.g. {@code /skyriff/rules}
     * @throws IllegalArgumentException naming {@code zookeeper.connect} or {@code zookeeper.path} when one is malformed
     * @throws IOException when no connection is made in time
     */
    public static ZooKeeperRulesSource connect(String connectString, String path) throws IOException {
        check(connectString, path);
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(connectString)
                .retryPolicy(new ExponentialBackoffRetry(250, 10, 5_000)).build();
        client.start();
        boolean connected;
        try {
            connected = client.blockUntilConnected((int) CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connected = false;
        }
        if (!connected) {
            client.close();
            throw new IOException("ZooKeeper " + connectString + ": not connected after " + CONNECT_TIMEOUT_MS
                    + " ms (zookeeper.connect)");
        }
        return new ZooKeeperRulesSource(connectString, path, client);
    }

    /** Checks the two settings, naming the key of a malformed one. */
    public static void check(String connectString, String path) {
        if (connectString == null || connectString.isBlank() || connectString.contains("@")) {
            throw new IllegalArgumentException("zookeeper.connect must be host:port[,host:port...]; was "
                    + (connectString == null ? "null" : "'" + (connectString.contains("@") ? "<masked>"
                    : connectString) + "'"));
        }
        try {
            PathUtils.validatePath(path);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("zookeeper.path must be an absolute znode path such as /skyriff/rules;"
                    + " was " + (path == null ? "null" : "'" + path + "'") + " (" + e.getMessage() + ")");
        }
        if ("/".equals(path)) {
            throw new IllegalArgumentException("zookeeper.path must name a znode below the root, such as"
                    + " /skyriff/rules; was '/'");
        }
    }

    public String path() {
        return path;
    }

    @Override
    public String describe() {
        return "ZooKeeper " + connectString + " znode " + path;
    }

    @Override
    public String sourceName() {
        return "zookeeper:" + path;
    }

    @Override
    public String read() throws IOException {
        Stat stat = new Stat();
        byte[] data;
        try {
            data = client.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            throw new IOException(describe() + ": no such znode; publish the rules to it first", e);
        } catch (Exception e) {
            throw io("read", e);
        }
        synchronized (lock) {
            version = stat.getVersion();
        }
        return data == null ? "" : new String(data, StandardCharsets.UTF_8);
    }

    /** The znode version this source last read or wrote; -1 before the first. */
    public int version() {
        synchronized (lock) {
            return version;
        }
    }

    @Override
    public void publish(String rulesText) throws IOException {
        Objects.requireNonNull(rulesText, "rulesText");
        int expected;
        synchronized (lock) {
            expected = version;
        }
        if (expected < 0) {
            try {
                read();
                expected = version();
            } catch (IOException e) {
                if (!(e.getCause() instanceof KeeperException.NoNodeException)) {
                    throw e;
                }
            }
        }
        publish(rulesText, expected);
    }

    /**
     * Sets the rules text if the znode is still at {@code expectedVersion} (-1: it must not exist yet, and is
     * created).
     *
     * @throws IOException naming both versions when another writer changed the znode meanwhile
     */
    public void publish(String rulesText, int expectedVersion) throws IOException {
        byte[] data = rulesText.getBytes(StandardCharsets.UTF_8);
        try {
            int now;
            if (expectedVersion < 0) {
                client.create().creatingParentsIfNeeded().forPath(path, data);
                now = 0;
            } else {
                now = client.setData().withVersion(expectedVersion).forPath(path, data).getVersion();
            }
            synchronized (lock) {
                version = now;
            }
        } catch (KeeperException.BadVersionException e) {
            throw new IOException(describe() + ": changed by another writer since version " + expectedVersion
                    + " was read; read the rules again and publish on top of them", e);
        } catch (KeeperException.NodeExistsException e) {
            throw new IOException(describe() + ": created by another writer meanwhile; read the rules and publish on"
                    + " top of them", e);
        } catch (Exception e) {
            throw io("publish", e);
        }
    }

    @Override
    public void watch(Runnable changed) {
        Objects.requireNonNull(changed, "changed");
        synchronized (lock) {
            if (cache != null) {
                throw new IllegalStateException(describe() + ": watch was already called");
            }
            cache = CuratorCache.build(client, path, CuratorCache.Options.SINGLE_NODE_CACHE);
        }
        cache.listenable().addListener(CuratorCacheListener.builder().forAll((type, old, now) -> changed.run())
                .build());
        // a change made while the session was cut off fires no event: look again after every reconnect
        client.getConnectionStateListenable().addListener((c, state) -> {
            if (state == ConnectionState.RECONNECTED) {
                changed.run();
            }
        });
        cache.start();
    }

    private IOException io(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new IOException(describe() + ": " + what + " failed: " + e, e);
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (cache != null) {
                cache.close();
            }
        }
        client.close();
    }

    @Override
    public String toString() {
        return "ZooKeeperRulesSource[" + connectString + " " + path + "]";
    }
}
