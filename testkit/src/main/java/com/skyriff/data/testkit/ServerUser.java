package com.skyriff.data.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The OS user our PostgreSQL servers run as. PostgreSQL refuses to run as root, so when the JVM is root (CI) every
 * server tool runs as the unprivileged system user {@value #NAME}, created on first use, and the directories it
 * writes are chowned to it. Otherwise commands run as the JVM's own user. Thread-safe.
 */
final class ServerUser {
    static final String NAME = "skyriff-pg";
    private static final Duration SHORT = Duration.ofSeconds(30);
    private static ServerUser instance;

    private final List<String> prefix;
    private final UserPrincipal owner;
    private final GroupPrincipal group;

    private ServerUser(List<String> prefix, UserPrincipal owner, GroupPrincipal group) {
        this.prefix = prefix;
        this.owner = owner;
        this.group = group;
    }

    static synchronized ServerUser get() {
        if (instance == null) {
            instance = runningAsRoot() ? unprivileged() : new ServerUser(List.of(), null, null);
        }
        return instance;
    }

    /** True when commands are switched to {@value #NAME}. */
    boolean switching() {
        return owner != null;
    }

    String describe() {
        return switching() ? NAME + " (JVM runs as root)" : System.getProperty("user.name");
    }

    /** {@code command} prefixed so that it runs as the server user. */
    List<String> wrap(List<String> command) {
        if (prefix.isEmpty()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(prefix);
        wrapped.addAll(command);
        return wrapped;
    }

    Exec.Result run(List<String> command, Path workDir, Duration timeout) {
        return Exec.run(wrap(command), workDir, timeout);
    }

    Exec.Result check(String what, List<String> command, Path workDir, Duration timeout) {
        return Exec.check(what, wrap(command), workDir, timeout);
    }

    /** Gives {@code path} (not its children) to the server user; a no-op when not switching. */
    void own(Path path) {
        if (!switching()) {
            return;
        }
        try {
            PosixFileAttributeView view =
                    Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            view.setOwner(owner);
            view.setGroup(group);
        } catch (IOException e) {
            throw new UncheckedIOException("could not chown " + path + " to " + NAME, e);
        }
    }

    /** Gives {@code root} and everything below it to the server user; a no-op when not switching. */
    void ownTree(Path root) {
        if (!switching()) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.forEach(this::own);
        } catch (IOException e) {
            throw new UncheckedIOException("could not chown " + root + " to " + NAME, e);
        }
    }

    /** Whether the server user can create files in {@code dir} (every parent must be traversable). */
    boolean canWrite(Path dir) {
        if (!switching()) {
            return Files.isWritable(dir);
        }
        String d = dir.toString();
        return run(List.of("test", "-w", d, "-a", "-x", d), null, SHORT).ok();
    }

    private static boolean runningAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static ServerUser unprivileged() {
        if (!Exec.run(List.of("id", "-u", NAME), null, SHORT).ok()) {
            Path useradd = Exec.which("useradd", "/usr/sbin/useradd", "/sbin/useradd");
            if (useradd == null) {
                throw new TopologyException("server user: " + NAME + " does not exist and useradd is not installed;"
                        + " PostgreSQL refuses to run as root, so create an unprivileged user named " + NAME);
            }
            Exec.Result added = Exec.run(List.of(useradd.toString(), "--system", "--no-create-home", "--user-group",
                    "--shell", "/usr/sbin/nologin", NAME), null, SHORT);
            // Another JVM may have created it at the same moment: check again rather than trusting the exit code.
            if (!Exec.run(List.of("id", "-u", NAME), null, SHORT).ok()) {
                throw new TopologyException("server user: useradd " + NAME + " failed (exit " + added.exitCode() + "): "
                        + added.output().strip());
            }
            Log.info("created system user " + NAME + " (PostgreSQL refuses to run as root)");
        }
        String uid = Exec.check("server user: id -u", List.of("id", "-u", NAME), null, SHORT).output().strip();
        String gid = Exec.check("server user: id -g", List.of("id", "-g", NAME), null, SHORT).output().strip();
        List<String> prefix;
        Path setpriv = Exec.which("setpriv", "/usr/bin/setpriv", "/bin/setpriv");
        Path runuser = Exec.which("runuser", "/usr/sbin/runuser", "/sbin/runuser");
        if (setpriv != null) {
            // setpriv execs the command in place: no extra parent process, signals reach the tool directly.
            prefix = List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + gid, "--init-groups", "--");
        } else if (runuser != null) {
            prefix = List.of(runuser.toString(), "-u", NAME, "--");
        } else {
            throw new TopologyException("server user: neither setpriv nor runuser is installed; the JVM runs as root"
                    + " and PostgreSQL refuses to, so one of them is needed to switch to " + NAME);
        }
        try {
            UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
            return new ServerUser(prefix, lookup.lookupPrincipalByName(uid), lookup.lookupPrincipalByGroupName(gid));
        } catch (IOException e) {
            throw new TopologyException("server user: could not look up " + NAME + " (uid " + uid + ", gid " + gid + ")", e);
        }
    }
}
