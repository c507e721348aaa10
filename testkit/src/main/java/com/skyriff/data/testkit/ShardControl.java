package com.skyriff.data.testkit;

import java.time.Duration;
import java.util.List;

/**
 * The servers of one shard and their fault injection; two implementations: local processes ({@link ProcessShard})
 * and containers ({@link ContainerTopology.Shard}). Indexes are checked by {@link PgShard} before they get here.
 */
interface ShardControl {
    String name();

    /** Nodes pointing at the {@code skyriff} database. */
    PgNode primaryNode();

    List<PgNode> replicaNodes();

    boolean replicaRunning(int index);

    void stopReplica(int index);

    void startReplica(int index);

    /** SIGSTOP ({@code frozen}) or SIGCONT to every process of standby {@code index}. */
    void freezeReplica(int index, boolean frozen);

    void stopPrimary();

    void startPrimary();

    void pauseReplay(int index);

    void resumeReplay(int index);

    void awaitReplicaCatchUp(Duration timeout);

    /** Stops every server of the shard; returns normally or throws after trying all of them. */
    void close();
}
