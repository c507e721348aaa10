package com.skyriff.data.testkit;

import java.util.List;
import java.util.Objects;

/**
 * A database created on every shard by {@link LocalTopology#createDatabase(String)}: the shards' nodes point at it,
 * and their fault injection acts on the real servers. Immutable, thread-safe.
 *
 * @param name   the database name
 * @param shards the topology's shards, their nodes carrying {@code name} as database
 */
public record TestDatabase(String name, List<PgShard> shards) {

    public TestDatabase {
        Objects.requireNonNull(name, "TestDatabase: name must not be null");
        shards = List.copyOf(shards);
    }
}
