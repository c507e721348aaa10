package com.skyriff.data.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Secret#mask(String)}, the one masking function, and the rules messages that quote URLs through it. */
class SecretTest {
    static final String PW = "s3cr3t-Pa55";
    static final Clock NOV_2026 = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void mask_passwordParameter_anyCaseAndSeparator_isMasked() {
        assertThat(Secret.mask("jdbc:postgresql://h:5432/db?user=app&password=" + PW + "&ssl=true"))
                .isEqualTo("jdbc:postgresql://h:5432/db?user=app&password=<masked>&ssl=true");
        assertThat(Secret.mask("jdbc:postgresq://h/db?PassWord=" + PW)).isEqualTo("jdbc:postgresq://h/db?PassWord=<masked>");
        assertThat(Secret.mask("Server=h;User Id=app;Password=" + PW + ";Database=db"))
                .isEqualTo("Server=h;User Id=app;Password=<masked>;Database=db");
        assertThat(Secret.mask("was 'jdbc:x://h/db?password=" + PW + "', expected y")).doesNotContain(PW)
                .endsWith("password=<masked>', expected y");
    }

    @Test
    void mask_userInfo_passwordMaskedUserKept() {
        assertThat(Secret.mask("postgres://app:" + PW + "@db.example:5432/skyriff"))
                .isEqualTo("postgres://app:<masked>@db.example:5432/skyriff");
        assertThat(Secret.mask("cannot reach jdbc:postgresql://app:" + PW + "@h/db: refused")).doesNotContain(PW);
        assertThat(Secret.mask("jdbc:postgresql://h:5432/db")).isEqualTo("jdbc:postgresql://h:5432/db");
        assertThat(Secret.mask(null)).isNull();
    }

    @Test
    void nodeSpec_toStringAndMaskedUrl_neverShowThePassword() {
        NodeSpec n = NodeSpec.of("jdbc:postgresql://h/db?password=" + PW, "app", PW);
        assertThat(n.toString()).doesNotContain(PW);
        assertThat(n.maskedUrl()).isEqualTo("jdbc:postgresql://h/db?password=<masked>");
    }

    static String problems(String url) {
        String yaml = """
                name: skyriff
                shards:
                  - name: shard0
                    primary: { url: "%s", username: app }
                tables:
                  users: { strategy: user, key: user_id }
                """.formatted(url);
        try {
            RulesReader.parse(yaml, "rules.yaml", Map.<String, String>of()::get, NOV_2026);
        } catch (RulesException e) {
            return e.getMessage() + "\n" + e.problems();
        }
        throw new AssertionError("expected a RulesException for " + url);
    }

    @Test
    void parse_malformedUrlWithPassword_messageMasksIt() {
        String m = problems("jdbc:postgresq://h:5432/db?user=app&password=" + PW);
        assertThat(m).contains("shards[0].primary.url is not a PostgreSQL JDBC URL; was "
                + "'jdbc:postgresq://h:5432/db?user=app&password=<masked>'").doesNotContain(PW);
        m = problems("postgres://app:" + PW + "@h:5432/db");
        assertThat(m).contains("was 'postgres://app:<masked>@h:5432/db'").doesNotContain(PW);
    }

    @Test
    void parse_jdbcUrlWithUserInfo_isRefusedMasked() {
        String m = problems("jdbc:postgresql://app:" + PW + "@h:5432/db");
        assertThat(m).contains("shards[0].primary.url carries credentials before the host")
                .contains("was 'jdbc:postgresql://app:<masked>@h:5432/db'").doesNotContain(PW);
    }

    @Test
    void parse_envValueWithPasswordInABadValue_isMasked() {
        String yaml = """
                name: skyriff
                shards:
                  - name: shard0
                    primary: "${PG_URL}"
                tables:
                  users: { strategy: user, key: user_id }
                """;
        try {
            RulesReader.parse(yaml, "rules.yaml", Map.of("PG_URL", "jdbc:pg://h/db;password=" + PW)::get, NOV_2026);
            throw new AssertionError("expected a RulesException");
        } catch (RulesException e) {
            assertThat(e.getMessage()).contains("password=<masked>").doesNotContain(PW);
        }
    }
}
