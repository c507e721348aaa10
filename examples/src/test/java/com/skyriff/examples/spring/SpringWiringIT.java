package com.skyriff.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.RulesReader;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import com.skyriff.examples.Schema;
import com.skyriff.examples.TopologyEnv;
import com.skyriff.examples.service.InsufficientFundsException;
import com.skyriff.examples.service.Mappers;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/** mybatis-spring over the layer: @Transactional on the primary, plain mapper reads on replicas. */
class SpringWiringIT {
    static AnnotationConfigApplicationContext context;
    static TestDatabase db;

    @BeforeAll
    static void start() {
        LocalTopology topology = LocalTopology.builder().shards(2).replicasPerShard(1).redis(false).build();
        db = topology.createDatabase("spring_it");
        Map<String, String> env = TopologyEnv.of(db.shards(), null, "2026-09");
        // the Spring example wires no cache; the rules' cache section still needs its addresses to validate
        TopologyEnv.withCluster(env, java.util.List.of("redis://127.0.0.1:1", "redis://127.0.0.1:2", "redis://127.0.0.1:3"));
        env.put("SHARD0_REPLICA1_URL", db.shards().get(0).replicas().get(0).jdbcUrl());
        env.put("SHARD1_REPLICA1_URL", db.shards().get(1).replicas().get(0).jdbcUrl());
        Rules rules = RulesReader.read(Path.of("rules/phase4.yaml"), env::get, Clock.systemUTC());
        Schema.migrate(rules, Clock.systemUTC(), com.skyriff.data.migrations.Progress.NONE);
        db.shards().forEach(s -> s.awaitReplicaCatchUp(Duration.ofSeconds(60)));
        context = new AnnotationConfigApplicationContext();
        context.registerBean(Rules.class, () -> rules);
        context.register(SkyriffSpringConfig.class);
        context.refresh();
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void transactionalMethod_readsPrimary_plainMapperCall_readsReplica() {
        Mappers.WalletMapper wallets = context.getBean(Mappers.WalletMapper.class);
        wallets.open(901L, OffsetDateTime.now(ZoneOffset.UTC));
        db.shards().forEach(s -> s.awaitReplicaCatchUp(Duration.ofSeconds(10)));
        SpringWallets service = context.getBean(SpringWallets.class);
        assertThat(service.readsInsideTransactionHitThePrimary(901L)).as("in recovery inside @Transactional").isFalse();
        assertThat(service.readsOutsideTransactionHitAReplica(901L)).as("in recovery outside").isTrue();
    }

    @Test
    void transactionalDebit_overBalance_rollsBackEverything() {
        Mappers.WalletMapper wallets = context.getBean(Mappers.WalletMapper.class);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        wallets.open(902L, now);
        wallets.setBalance(902L, new BigDecimal("20"), now);
        SpringWallets service = context.getBean(SpringWallets.class);
        assertThat(service.debit(902L, new BigDecimal("15"))).isEqualByComparingTo("5");
        assertThatThrownBy(() -> service.debit(902L, new BigDecimal("6"))).isInstanceOf(InsufficientFundsException.class);
        for (PgShard s : db.shards()) {
            s.awaitReplicaCatchUp(Duration.ofSeconds(10));
        }
        assertThat(wallets.balance(902L)).isEqualByComparingTo("5");
    }
}
