package com.example.quickstart;

import com.skyriff.data.PrimaryScope;
import com.skyriff.data.SkyriffData;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/** The README's Quick start, as a program: `java com.example.quickstart.QuickStart` in the directory of rules.yaml. */
public final class QuickStart {
    public static void main(String[] args) throws Exception {
        // README:java begin
        try (SkyriffData data = SkyriffData.builder().rulesFile(Path.of("rules.yaml")).build()) {
            DataSource ds = data.dataSource();                  // hand it to MyBatis, JdbcTemplate or plain JDBC
            try (Connection c = ds.getConnection()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (user_id, name) VALUES (?, ?)")) {
                    ps.setLong(1, 42L);                         // user 42's shard primary
                    ps.setString(2, "ada");
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(  // event_id: a Snowflake id filled in by the layer
                        "INSERT INTO watch_event (user_id, video_id, created_at) VALUES (?, ?, ?)")) {
                    ps.setLong(1, 42L);                         // user 42's shard, this month's table
                    ps.setLong(2, 7L);
                    ps.setTimestamp(3, Timestamp.from(Instant.now()));
                    ps.executeUpdate();
                }
            }
            YearMonth month = YearMonth.now(ZoneOffset.UTC);
            try (PrimaryScope scope = data.primaryScope();      // read-your-writes: this block reads the primaries
                 Connection c = ds.getConnection();
                 PreparedStatement user = c.prepareStatement("SELECT name FROM users WHERE user_id = ?");
                 PreparedStatement events = c.prepareStatement("SELECT count(*) FROM watch_event"
                         + " WHERE user_id = ? AND created_at >= ? AND created_at < ?")) {
                user.setLong(1, 42L);                           // one shard, one statement
                events.setLong(1, 42L);                         // one shard, one month table
                events.setTimestamp(2, Timestamp.from(month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC)));
                events.setTimestamp(3, Timestamp.from(month.plusMonths(1).atDay(1).atStartOfDay()
                        .toInstant(ZoneOffset.UTC)));
                try (ResultSet u = user.executeQuery(); ResultSet e = events.executeQuery()) {
                    u.next();
                    e.next();
                    System.out.println("user 42 is " + u.getString(1) + ", " + e.getLong(1) + " watch event(s) in "
                            + month);
                }
            }
        }
        // README:java end
    }
}
