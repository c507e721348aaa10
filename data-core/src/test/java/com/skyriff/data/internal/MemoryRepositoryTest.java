package com.skyriff.data.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.shardingsphere.infra.spi.type.typed.TypedSPILoader;
import org.apache.shardingsphere.mode.repository.standalone.StandalonePersistRepository;
import org.apache.shardingsphere.mode.repository.standalone.jdbc.JDBCRepository;
import org.junit.jupiter.api.Test;

/** Differential: the same operations on this repository and on ShardingSphere's own JDBC repository over H2. */
class MemoryRepositoryTest {
    private static final String[] KEYS = {"/", "/metadata", "/metadata/db", "/metadata/db/schemas",
        "/metadata/db/schemas/public/tables", "/metadata/db/schemas/public/tables/t1",
        "/metadata/db/schemas/public/tables/t1/versions/0", "/metadata/db/schemas/public/tables/t10",
        "/metadata/db/schemas/public/tables/t2", "/metadata/db/schemas/pg_catalog/tables/pg_class", "/props",
        "/props/versions/0", "/missing", "/metadata/db/schemas/public/tables/t1/active_version"};

    private static JDBCRepository h2(String name) {
        JDBCRepository repo = new JDBCRepository();
        Properties props = new Properties();
        props.setProperty("provider", "H2");
        props.setProperty("jdbc_url", "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=0;DATABASE_TO_UPPER=false;MODE=MYSQL");
        repo.init(props);
        return repo;
    }

    /** Every key's value, existence and children, as one comparable list. */
    private static List<String> observe(StandalonePersistRepository repo) {
        List<String> out = new ArrayList<>();
        for (String key : KEYS) {
            out.add(key + " exists=" + repo.isExisted(key) + " value='" + repo.query(key) + "' children="
                    + repo.getChildrenKeys(key));
        }
        return out;
    }

    private static void sameAsJdbc(String name, Consumer<StandalonePersistRepository> operations) {
        JDBCRepository jdbc = h2(name);
        MemoryRepository memory = new MemoryRepository();
        memory.init(new Properties());
        try {
            operations.accept(jdbc);
            operations.accept(memory);
            assertThat(observe(memory)).as("memory repository after the same operations as ShardingSphere's JDBC one")
                    .isEqualTo(observe(jdbc));
        } finally {
            jdbc.close();
            memory.close();
        }
    }

    @Test
    void persist_nestedKeys_createsParentsAndListsChildrenLikeJdbcRepository() {
        sameAsJdbc("memory_repository_persist", r -> {
            r.persist("/metadata/db/schemas/public/tables/t1/versions/0", "columns: [a]");
            r.persist("/metadata/db/schemas/public/tables/t1/active_version", "0");
            r.persist("/metadata/db/schemas/public/tables/t2", "t2");
            r.persist("/metadata/db/schemas/public/tables/t10", "t10");
            r.persist("/metadata/db/schemas/pg_catalog/tables/pg_class", "pg_class");
            r.persist("/props/versions/0", "sql-show: false");
        });
    }

    @Test
    void persistAndUpdate_existingAndMissingKeys_overwriteOrIgnoreLikeJdbcRepository() {
        sameAsJdbc("memory_repository_update", r -> {
            r.persist("/props/versions/0", "one");
            r.persist("/props/versions/0", "two");
            r.update("/props", "parent now has a value");
            r.update("/missing", "not created by update");
            r.persist("/metadata", "set on an existing parent");
            r.persist("/metadata/db/schemas/public/tables/t1", "t1");
        });
    }

    @Test
    void delete_prefix_removesTheKeyAndEverythingUnderItLikeJdbcRepository() {
        sameAsJdbc("memory_repository_delete", r -> {
            r.persist("/metadata/db/schemas/public/tables/t1/versions/0", "v0");
            r.persist("/metadata/db/schemas/public/tables/t10", "t10");
            r.persist("/metadata/db/schemas/public/tables/t2", "t2");
            r.persist("/props/versions/0", "p");
            r.delete("/metadata/db/schemas/public/tables/t1");
            r.delete("/missing");
            r.persist("/metadata/db/schemas/public/tables/t1", "again");
        });
    }

    @Test
    void type_isFoundByShardingSpheresServiceLoader() {
        assertThat(TypedSPILoader.getService(StandalonePersistRepository.class, MemoryRepository.TYPE, new Properties()))
                .as("META-INF/services entry for %s", MemoryRepository.TYPE).isInstanceOf(MemoryRepository.class);
    }
}
