package com.skyriff.data.testkit;

import java.time.Duration;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The container variant of the topology, used only when {@code SKYRIFF_TOPOLOGY=containers} forces it or when no
 * PostgreSQL binaries exist for this machine and a Docker engine does.
 *
 * <p>Deliberately small: it starts shard PRIMARIES and Redis only, NO streaming standbys ({@code replicasPerShard}
 * must be 0). Host ports are fixed at creation so that {@code stopPrimary()/startPrimary()} and Redis
 * {@code stop()/start()} (docker stop/start of the same container) keep them. The process variant is the complete one;
 * this one is untested on the machine it was written on, which has no Docker engine. Thread-safe.
 */
final class ContainerTopology {
    static final String PG_IMAGE = "postgres:15-alpine";
    static final String REDIS_IMAGE = "redis:7.0-alpine";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private ContainerTopology() {
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static Shard startShard(String name) {
        long start = System.nanoTime();
        int port = Ports.free();
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(PG_IMAGE))
                .withEnv("POSTGRES_USER", PgServer.SUPERUSER)
                .withEnv("POSTGRES_PASSWORD", PgServer.PASSWORD)
                .withEnv("POSTGRES_DB", PgServer.DATABASE)
                .withEnv("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256")
                .withEnv("POSTGRES_INITDB_ARGS", "--auth-host=scram-sha-256")
                .withCommand("postgres", "-c", "fsync=off", "-c",
                        "full_page_writes=off", "-c", "max_connections=200", "-c", "shared_buffers=32MB")
                .withExposedPorts(5432)
                .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*\\s", 2)
                        .withStartupTimeout(READY_TIMEOUT));
        container.setPortBindings(List.of(port + ":5432"));
        container.start();
        Shard shard = new Shard(name, container, port);
        Jdbc.awaitReady(shard.primaryNode(), READY_TIMEOUT);
        Log.info(name + " primary up in container " + PG_IMAGE + " on " + container.getHost() + ":" + port + " ("
                + Log.since(start) + ")");
        return shard;
    }

    static Redis startRedis() {
        long start = System.nanoTime();
        int port = Ports.free();
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(REDIS_IMAGE))
                .withCommand("redis-server", "--save", "", "--appendonly", "no")
                .withExposedPorts(6379)
                .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\s", 1).withStartupTimeout(READY_TIMEOUT));
        container.setPortBindings(List.of(port + ":6379"));
        container.start();
        Redis redis = new Redis(container, port);
        Registry.registerRedis(port, redis);
        Log.info("redis up in container " + REDIS_IMAGE + " on " + container.getHost() + ":" + port + " ("
                + Log.since(start) + ")");
        return redis;
    }

    private static void dockerStop(GenericContainer<?> container) {
        DockerClientFactory.instance().client().stopContainerCmd(container.getContainerId()).withTimeout(1).exec();
    }

    private static void dockerStart(GenericContainer<?> container) {
        DockerClientFactory.instance().client().startContainerCmd(container.getContainerId()).exec();
    }

    /** A shard that is one PostgreSQL container, without standbys. */
    static final class Shard implements ShardControl {
        private final String name;
        private final GenericContainer<?> container;
        private final int port;
        private boolean running = true;

        Shard(String name, GenericContainer<?> container, int port) {
            this.name = name;
            this.container = container;
            this.port = port;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public PgNode primaryNode() {
            return new PgNode(name + "-primary", container.getHost(), port, PgServer.DATABASE, PgServer.SUPERUSER,
                    PgServer.PASSWORD, true);
        }

        @Override
        public List<PgNode> replicaNodes() {
            return List.of();
        }

        @Override
        public boolean replicaRunning(int index) {
            return false;
        }

        @Override
        public void stopReplica(int index) {
            throw noReplicas();
        }

        @Override
        public void startReplica(int index) {
            throw noReplicas();
        }

        @Override
        public void freezeReplica(int index, boolean frozen) {
            throw noReplicas();
        }

        @Override
        public synchronized void stopPrimary() {
            if (running) {
                dockerStop(container);
                running = false;
            }
        }

        @Override
        public synchronized void startPrimary() {
            if (!running) {
                dockerStart(container);
                Jdbc.awaitReady(primaryNode(), READY_TIMEOUT);
                running = true;
            }
        }

        @Override
        public void pauseReplay(int index) {
            throw noReplicas();
        }

        @Override
        public void resumeReplay(int index) {
            throw noReplicas();
        }

        @Override
        public void awaitReplicaCatchUp(Duration timeout) {
            // no standbys: nothing to wait for
        }

        @Override
        public void close() {
            container.stop();
        }

        private IllegalStateException noReplicas() {
            return new IllegalStateException(name + ": the containers topology has no standbys");
        }
    }

    /** Redis in a container; stop/start keep the container and its host port. */
    static final class Redis implements RedisControl {
        private final GenericContainer<?> container;
        private final int port;
        private boolean running = true;

        Redis(GenericContainer<?> container, int port) {
            this.container = container;
            this.port = port;
        }

        @Override
        public RedisNode node() {
            return new RedisNode(container.getHost(), port);
        }

        @Override
        public synchronized void stop() {
            if (running) {
                dockerStop(container);
                running = false;
            }
        }

        @Override
        public synchronized void start() {
            if (!running) {
                dockerStart(container);
                long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
                while (true) {
                    try {
                        if ("PONG".equals(Resp.call(port, "PING"))) {
                            break;
                        }
                    } catch (java.io.IOException e) {
                        if (System.nanoTime() > deadline) {
                            throw new TopologyException("redis container - no PONG on port " + port + " after restart", e);
                        }
                    }
                    Jdbc.sleep(50);
                }
                running = true;
            }
        }

        @Override
        public void close() {
            try {
                container.stop();
            } finally {
                Registry.unregisterRedis(port);
            }
        }
    }
}
