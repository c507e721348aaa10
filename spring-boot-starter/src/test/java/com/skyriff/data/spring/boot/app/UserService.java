package com.skyriff.data.spring.boot.app;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.Tx;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The test application's service: plain Spring code over the starter's beans. */
@Service
public class UserService {
    private final UserMapper users;
    private final JdbcTemplate jdbc;
    private final SkyriffData data;

    public UserService(UserMapper users, JdbcTemplate jdbc, SkyriffData data) {
        this.users = users;
        this.jdbc = jdbc;
        this.data = data;
    }

    @Transactional
    public Server serverInTransaction(long userId) {
        return users.serverOf(userId);
    }

    @Transactional(readOnly = true)
    public List<Server> serversInReadOnlyTransaction(long userId) {
        return List.of(users.serverOf(userId), users.serverOf(userId));
    }

    @Transactional(readOnly = true)
    public void insertInReadOnlyTransaction(long userId) {
        jdbc.update("INSERT INTO users (user_id, handle) VALUES (?, ?)", userId, "read-only");
    }

    /** Inserts through MyBatis and JdbcTemplate, then fails: the transaction must leave nothing. */
    @Transactional
    public void insertTwoThenFail(long first, long second) {
        users.insert(first, "first");
        jdbc.update("INSERT INTO users (user_id, handle) VALUES (?, ?)", second, "second");
        throw new IllegalStateException("boom after two inserts");
    }

    @Transactional
    public void rename(long userId, String handle) {
        users.rename(userId, handle);
    }

    @Transactional
    public void renameThenFail(long userId, String handle) {
        users.rename(userId, handle);
        throw new IllegalStateException("boom after rename");
    }

    /** Registers a Tx.afterCommit action and records whether it had run before the method returned. */
    @Transactional
    public void insertWithAfterCommit(long userId, AtomicReference<String> log, boolean fail) {
        jdbc.update("INSERT INTO users (user_id, handle) VALUES (?, ?)", userId, "tx");
        Tx.current().orElseThrow(() -> new IllegalStateException("no Tx inside @Transactional"))
                .afterCommit(() -> log.set(log.get() + ",after-commit"));
        log.set("in-method");
        if (fail) {
            throw new IllegalStateException("boom after afterCommit");
        }
    }

    /** A data.inTransaction block inside @Transactional joins it: it sees the row this transaction inserted. */
    @Transactional
    public String insertThenReadThroughLayerTransaction(long userId) throws SQLException {
        users.insert(userId, "joined");
        return data.inTransaction(tx -> {
            try (PreparedStatement ps = tx.connection().prepareStatement("SELECT handle FROM users WHERE user_id = ?")) {
                ps.setLong(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    @Cacheable(cacheNames = "user", key = "#userId", sync = true)
    public User cachedUser(long userId) {
        return jdbc.query("SELECT user_id, handle FROM users WHERE user_id = ?",
                rs -> rs.next() ? new User(rs.getLong(1), rs.getString(2)) : null, userId);
    }

    @Cacheable(cacheNames = "user", key = "#userId")
    public User cachedUserWithoutSync(long userId) {
        return cachedUser(userId);
    }

    @CacheEvict(cacheNames = "user", key = "#userId")
    @Transactional
    public void renameEvicting(long userId, String handle) {
        jdbc.update("UPDATE users SET handle = ? WHERE user_id = ?", handle, userId);
    }
}
