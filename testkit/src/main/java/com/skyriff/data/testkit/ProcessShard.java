package com.skyriff.data.testkit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A shard of local PostgreSQL processes: one primary and its streaming standbys. Thread-safe. */
final class ProcessShard implements ShardControl {
    private static final Duration STREAMING_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final PgServer primary;
    private final List<PgServer> replicas;

    private ProcessShard(String name, PgServer primary, List<PgServer> replicas) {
        this.name = name;
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
    }

    /**
     * initdb, configure and start the primary, create database {@code skyriff}, then make each standby with
     * pg_basebackup (or, without it, by copying the cleanly stopped primary) and wait until it streams.
     */
    static ProcessShard start(int index, int replicaCount, Workspace workspace, PgBinaries bin, ServerUser user,
                              Path passwordFile) {
        String name = "shard" + index;
        long start = System.nanoTime();
        PgServer primary = new PgServer(name + "-primary", workspace.nodeDir(name + "-primary"), bin, user, true);
        List<PgServer> replicas = new ArrayList<>();
        try {
            primary.initdb(passwordFile);
            primary.configurePrimary();
            primary.start(true);
            Jdbc.execute(primary.node("postgres"), "CREATE DATABASE " + PgServer.DATABASE);
            Log.info(name + " primary up on 127.0.0.1:" + primary.port() + " (" + Log.since(start) + ")");
            for (int r = 0; r < replicaCount; r++) {
                String replicaName = name + "-replica" + r;
                replicas.add(new PgServer(replicaName, workspace.nodeDir(replicaName), bin, user, false));
            }
            if (bin.hasBasebackup()) {
                for (PgServer replica : replicas) {
                    replica.basebackup(primary.port(), slot(replica));
                    replica.start(true);
                    awaitStreaming(primary, replica);
                    Log.info(name + " " + shortName(replica) + " up on 127.0.0.1:" + replica.port() + ", streaming from "
                            + primary.port() + " (" + Log.since(start) + ")");
                }
            } else if (!replicas.isEmpty()) {
                for (PgServer replica : replicas) {
                    Jdbc.queryString(primary.node("postgres"), "SELECT pg_create_physical_replication_slot(?)::text",
                            slot(replica));
                }
                primary.stopClean();
                for (PgServer replica : replicas) {
                    replica.copyFrom(primary, slot(replica));
                }
                primary.start(false);
                for (PgServer replica : replicas) {
                    replica.start(true);
                    awaitStreaming(primary, replica);
                    Log.info(name + " " + shortName(replica) + " up on 127.0.0.1:" + replica.port()
                            + ", streaming from " + primary.port() + " (copied data dir, " + Log.since(start) + ")");
                }
            }
            return new ProcessShard(name, primary, replicas);
        } catch (RuntimeException e) {
            new ProcessShard(name, primary, replicas).closeQuietly(e);
            throw e;
        }
    }

    private static String slot(PgServer replica) {
        return replica.name().replace('-', '_');
    }

    private static String shortName(PgServer server) {
        return server.name().substring(server.name().indexOf('-') + 1);
    }

    private static void awaitStreaming(PgServer primary, PgServer replica) {
        long deadline = System.nanoTime() + STREAMING_TIMEOUT.toNanos();
        String state;
        do {
            state = Jdbc.queryString(primary.node("postgres"),
                    "SELECT state FROM pg_stat_replication WHERE application_name = ?", replica.name());
            if ("streaming".equals(state)) {
                return;
            }
            Jdbc.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new TopologyException(replica.name() + " - not streaming from 127.0.0.1:" + primary.port() + " after "
                + STREAMING_TIMEOUT.toMillis() + " ms (state=" + state + "); see " + replica.logFile());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PgNode primaryNode() {
        return primary.node(PgServer.DATABASE);
    }

    @Override
    public List<PgNode> replicaNodes() {
        return replicas.stream().map(r -> r.node(PgServer.DATABASE)).toList();
    }

    @Override
    public boolean replicaRunning(int index) {
        return replicas.get(index).running();
    }

    @Override
    public void stopReplica(int index) {
        PgServer replica = replicas.get(index);
        replica.stop();
        Log.info(name + " " + shortName(replica) + " stopped (127.0.0.1:" + replica.port() + ")");
    }

    @Override
    public void freezeReplica(int index, boolean frozen) {
        PgServer replica = replicas.get(index);
        replica.signalAll(frozen ? "STOP" : "CONT");
        Log.info(name + " " + shortName(replica) + (frozen ? " frozen (SIGSTOP)" : " resumed (SIGCONT)") + " (127.0.0.1:"
                + replica.port() + ")");
    }

    @Override
    public void startReplica(int index) {
        PgServer replica = replicas.get(index);
        long start = System.nanoTime();
        replica.start(false);
        Log.info(name + " " + shortName(replica) + " started again on 127.0.0.1:" + replica.port() + " ("
                + Log.since(start) + ")");
    }

    @Override
    public void stopPrimary() {
        primary.stop();
        Log.info(name + " primary stopped (127.0.0.1:" + primary.port() + ")");
    }

    @Override
    public void startPrimary() {
        long start = System.nanoTime();
        primary.start(false);
        Log.info(name + " primary started again on 127.0.0.1:" + primary.port() + " (" + Log.since(start) + ")");
    }

    @Override
    public void pauseReplay(int index) {
        // Takes effect before the next WAL record is applied: rows committed afterwards stay invisible until resume.
        Jdbc.execute(runningReplica(index, "pauseReplay").node("postgres"), "SELECT pg_wal_replay_pause()");
    }

    @Override
    public void resumeReplay(int index) {
        Jdbc.execute(runningReplica(index, "resumeReplay").node("postgres"), "SELECT pg_wal_replay_resume()");
    }

    private PgServer runningReplica(int index, String operation) {
        PgServer replica = replicas.get(index);
        if (!replica.running()) {
            throw new IllegalStateException(name + ": " + operation + "(" + index + ") needs a running standby; "
                    + replica.name() + " is stopped (call startReplica(" + index + ") first)");
        }
        return replica;
    }

    @Override
    public void awaitReplicaCatchUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!primary.running()) {
            throw new IllegalStateException(name + ": awaitReplicaCatchUp needs a running primary; " + primary.name()
                    + " is stopped");
        }
        String target = Jdbc.queryString(primary.node("postgres"), "SELECT pg_current_wal_insert_lsn()::text");
        long targetLsn = Lsn.endOfRecords(Lsn.parse(target));
        for (PgServer replica : replicas) {
            if (replica.running()) {
                awaitReplay(replica, target, targetLsn, deadline, timeout);
            }
        }
    }

    private void awaitReplay(PgServer replica, String target, long targetLsn, long deadline, Duration timeout) {
        PgNode node = replica.node("postgres");
        String sql = "SELECT pg_last_wal_replay_lsn()::text, pg_last_wal_receive_lsn()::text, pg_is_wal_replay_paused()";
        try (Connection connection = Jdbc.connect(node); PreparedStatement statement = connection.prepareStatement(sql)) {
            while (true) {
                String replay;
                String receive;
                boolean paused;
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    replay = row.getString(1);
                    receive = row.getString(2);
                    paused = row.getBoolean(3);
                }
                if (Lsn.parse(replay) >= targetLsn) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new TopologyException(name + " - " + replica.name() + " did not replay up to " + target
                            + " within " + timeout.toMillis() + " ms (replay_lsn=" + replay + ", receive_lsn=" + receive
                            + ", replay_paused=" + paused + ")");
                }
                Jdbc.sleep(5);
            }
        } catch (SQLException e) {
            throw Jdbc.failure(node, sql, e);
        }
    }

    @Override
    public void close() {
        RuntimeException failure = closeQuietly(null);
        if (failure != null) {
            throw failure;
        }
    }

    /** Stops every server (standbys first); returns the first failure, with the others suppressed. */
    private RuntimeException closeQuietly(RuntimeException earlier) {
        RuntimeException failure = null;
        List<PgServer> all = new ArrayList<>(replicas);
        all.add(primary);
        for (PgServer server : all) {
            try {
                server.stop();
            } catch (RuntimeException e) {
                if (earlier != null) {
                    earlier.addSuppressed(e);
                } else if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        return failure;
    }
}
