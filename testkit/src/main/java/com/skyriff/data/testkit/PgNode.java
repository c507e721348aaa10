package com.skyriff.data.testkit;

import java.util.Objects;

/**
 * Where one PostgreSQL server of the topology listens and how to log in to it. Immutable, thread-safe.
 * {@link #toString()} masks the password.
 *
 * @param name     {@code shard0-primary}, {@code shard0-replica0}, ...
 * @param host     {@code 127.0.0.1} for local processes
 * @param port     the TCP port
 * @param database the database this node points at
 * @param user     a superuser ({@code skyriff})
 * @param password its password (scram-sha-256 over TCP)
 * @param primary  true for the shard's primary, false for a streaming standby
 */
public record PgNode(String name, String host, int port, String database, String user, String password,
                     boolean primary) {

    public PgNode {
        Objects.requireNonNull(name, "PgNode: name must not be null");
        Objects.requireNonNull(host, "PgNode: host must not be null");
        Objects.requireNonNull(database, "PgNode: database must not be null");
        Objects.requireNonNull(user, "PgNode: user must not be null");
        Objects.requireNonNull(password, "PgNode: password must not be null");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("PgNode: port is out of range; was " + port + ", expected 1..65535");
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The same server, pointing at database {@code db}. */
    public PgNode withDatabase(String db) {
        return new PgNode(name, host, port, db, user, password, primary);
    }

    @Override
    public String toString() {
        return "PgNode[name=" + name + ", host=" + host + ", port=" + port + ", database=" + database + ", user=" + user
                + ", password=<masked>, primary=" + primary + "]";
    }
}
