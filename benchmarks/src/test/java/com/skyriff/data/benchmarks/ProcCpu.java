package com.skyriff.data.benchmarks;

import com.skyriff.data.testkit.PgNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time by process group, read from {@code /proc/<pid>/stat} (utime + stime, in clock ticks of 10 ms) for the
 * processes of this benchmark's world only: the client JVM (this process), and for every PostgreSQL server of the
 * fixture its postmaster's children, found by parent pid (the postmaster is the parent of this JVM's own backend,
 * {@code pg_backend_pid()}) and classified by their process title; Redis by its command line's port. The CPU of
 * children that exited between two samples is in the postmaster's cutime/cstime and counted as {@link Group#PG_OTHER}.
 * Linux only: elsewhere {@link #available()} is false and every sample is empty. Thread-safe (immutable after build).
 */
final class ProcCpu {
    /** The groups the report shows. */
    enum Group {
        CLIENT("client JVM"), PRIMARIES("primaries' backends"), REPLICAS("replicas' backends"),
        REPLICATION("replication (walsender, walreceiver, startup)"), PG_OTHER("PostgreSQL background"),
        REDIS("Redis");

        final String label;

        Group(String label) {
            this.label = label;
        }

        /** The key in the sidecar file and the report. */
        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Path PROC = Path.of("/proc");
    private static final double MS_PER_TICK = 10.0;  // USER_HZ is 100 on Linux everywhere it matters

    private final long self;
    private final List<long[]> postmasters;  // {pid, primary ? 1 : 0}
    private final long redis;

    private ProcCpu(long self, List<long[]> postmasters, long redis) {
        this.self = self;
        this.postmasters = List.copyOf(postmasters);
        this.redis = redis;
    }

    /** Finds the postmasters of {@code nodes} and the Redis listening on {@code redisPort} (-1: none). */
    static ProcCpu of(List<PgNode> nodes, int redisPort) {
        long self = ProcessHandle.current().pid();
        if (!Files.isReadable(PROC.resolve("self/stat"))) {
            return new ProcCpu(-1, List.of(), -1);
        }
        List<long[]> postmasters = new ArrayList<>();
        for (PgNode n : nodes) {
            try (Connection c = DriverManager.getConnection(n.jdbcUrl(), n.user(), n.password());
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                long[] stat = stat(rs.getLong(1));
                if (stat != null) {
                    postmasters.add(new long[] {stat[0], n.primary() ? 1 : 0});
                }
            } catch (SQLException e) {
                throw new IllegalStateException(n.name() + ": cannot find its postmaster pid: " + e.getMessage(), e);
            }
        }
        long redis = -1;
        if (redisPort > 0) {
            String port = ":" + redisPort;
            for (long pid : pids()) {
                String cmd = cmdline(pid);
                if (cmd.startsWith("redis-server") || cmd.contains("/redis-server")) {
                    if (cmd.contains(port)) {
                        redis = pid;
                        break;
                    }
                }
            }
        }
        return new ProcCpu(self, postmasters, redis);
    }

    boolean available() {
        return self > 0;
    }

    /** Cumulative CPU milliseconds by group now (every group present, 0 when unknown). */
    Map<Group, Double> sample() {
        Map<Group, Double> out = new EnumMap<>(Group.class);
        for (Group g : Group.values()) {
            out.put(g, 0.0);
        }
        if (!available()) {
            return out;
        }
        add(out, Group.CLIENT, self, false);
        if (redis > 0) {
            add(out, Group.REDIS, redis, false);
        }
        if (postmasters.isEmpty()) {
            return out;
        }
        for (long[] pm : postmasters) {
            add(out, Group.PG_OTHER, pm[0], true);
        }
        for (long pid : pids()) {
            long[] st = stat(pid);
            if (st == null) {
                continue;
            }
            for (long[] pm : postmasters) {
                if (st[0] == pm[0]) {
                    Group g = classify(cmdline(pid), pm[1] == 1);
                    out.merge(g, (st[1] + st[2]) * MS_PER_TICK, Double::sum);
                    break;
                }
            }
        }
        return out;
    }

    /** The group of a postmaster child from its process title. */
    static Group classify(String title, boolean primary) {
        // titles are "postgres: [<cluster_name>: ]<what>"
        String t = title.startsWith("postgres: ") ? title.substring("postgres: ".length()) : title;
        if (t.startsWith("walsender") || t.startsWith("walreceiver") || t.startsWith("startup")
                || t.contains(": walsender") || t.contains(": walreceiver") || t.contains(": startup")) {
            return Group.REPLICATION;
        }
        // a client backend's title is "<user> <database> <host>(<port>) <state>"
        if (t.contains("(") && t.contains(")") && !t.contains("autovacuum")) {
            return primary ? Group.PRIMARIES : Group.REPLICAS;
        }
        return Group.PG_OTHER;
    }

    private static void add(Map<Group, Double> out, Group g, long pid, boolean withChildren) {
        long[] st = stat(pid);
        if (st != null) {
            out.merge(g, (st[1] + st[2] + (withChildren ? st[3] + st[4] : 0)) * MS_PER_TICK, Double::sum);
        }
    }

    /** {ppid, utime, stime, cutime, cstime} of a process, or null if it is gone. */
    static long[] stat(long pid) {
        String s;
        try {
            s = Files.readString(PROC.resolve(pid + "/stat"), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        // the command name (field 2) is in parentheses and may hold spaces: fields start after the last ')'
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        // f[0] = state (field 3), f[1] = ppid (4), f[11] = utime (14), f[12] = stime (15), f[13] cutime, f[14] cstime
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                Long.parseLong(f[14])};
    }

    private static List<Long> pids() {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.isEmpty() && Character.isDigit(n.charAt(0))) {
                    try {
                        out.add(Long.parseLong(n));
                    } catch (NumberFormatException ignored) {
                        // not a process directory
                    }
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private static String cmdline(long pid) {
        try {
            byte[] b = Files.readAllBytes(PROC.resolve(pid + "/cmdline"));
            for (int i = 0; i < b.length; i++) {
                if (b[i] == 0) {
                    b[i] = ' ';
                }
            }
            return new String(b, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
