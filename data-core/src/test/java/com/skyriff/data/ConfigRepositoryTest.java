package com.skyriff.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.shardingsphere.mode.repository.standalone.jdbc.JDBCRepository;
import org.junit.jupiter.api.Test;

class ConfigRepositoryTest {
    static final String URL = "jdbc:h2:mem:config_repository_test;DB_CLOSE_DELAY=0;DATABASE_TO_UPPER=false;MODE=MYSQL";

    /** ShardingSphere's own SQL for its H2 repository, read from its jar, so the test follows a ShardingSphere upgrade. */
    static String shardingSphereSql(String element) throws IOException {
        try (InputStream in = JDBCRepository.class.getClassLoader().getResourceAsStream("sql/H2.xml")) {
            assertThat(in).as("sql/H2.xml of shardingsphere-standalone-mode-repository-jdbc").isNotNull();
            String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int start = xml.indexOf("<" + element + ">") + element.length() + 2;
            return xml.substring(start, xml.indexOf("</" + element + ">"));
        }
    }

    @Test
    void h2Indexes_thenShardingSpheresOwnStatements_workAndLookUpKeysAndParentsByIndex() throws Exception {
        try (Connection c = DriverManager.getConnection(URL + ConfigRepository.H2_INDEXES);
             Statement s = c.createStatement()) {
            s.execute(shardingSphereSql("create-table"));
            try (PreparedStatement insert = c.prepareStatement(shardingSphereSql("insert"))) {
                for (int i = 0; i < 3; i++) {
                    insert.setString(1, "id-" + i);
                    insert.setString(2, "/metadata/db/tables/t" + i);
                    insert.setString(3, "value " + i);
                    insert.setString(4, "/metadata/db/tables");
                    insert.executeUpdate();
                }
            }
            try (PreparedStatement select = c.prepareStatement(shardingSphereSql("select-by-key"))) {
                select.setString(1, "/metadata/db/tables/t1");
                try (ResultSet rs = select.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("value 1");
                }
            }
            assertThat(plan(s, shardingSphereSql("select-by-key"), "/metadata/db/tables/t1"))
                    .contains("repository_key");
            assertThat(plan(s, shardingSphereSql("select-by-parent"), "/metadata/db/tables"))
                    .contains("repository_parent");
        }
    }

    @Test
    void h2Indexes_withoutThem_shardingSpheresTableIsScanned() throws Exception {
        try (Connection c = DriverManager.getConnection(URL.replace("config_repository_test", "config_repository_scan"));
             Statement s = c.createStatement()) {
            s.execute(shardingSphereSql("create-table"));
            assertThat(plan(s, shardingSphereSql("select-by-key"), "/x")).doesNotContain("repository_key")
                    .containsIgnoringCase("tableScan");
        }
    }

    private static String plan(Statement s, String sql, String value) throws SQLException {
        try (ResultSet rs = s.executeQuery("EXPLAIN " + sql.replace("?", "'" + value + "'"))) {
            rs.next();
            return rs.getString(1);
        }
    }
}
