package com.skyriff.examples.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.mybatis.SkyriffMyBatis;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.RulesReader;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import com.skyriff.examples.Schema;
import com.skyriff.examples.service.Domain.LedgerEntry;
import com.skyriff.examples.service.Domain.Video;
import com.skyriff.examples.service.Domain.WatchEvent;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every operation of the reference service on a phase-4 shaped topology (2 shards x (1 primary + 2 replicas)). */
class SkyriffServiceIT {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    static LocalTopology topology;
    static TestDatabase db;
    static SkyriffData data;
    static SkyriffService service;
    static SkyriffMyBatis mybatis;

    @BeforeAll
    static void start() {
        topology = ExamplesTopology.get();
        db = topology.createDatabase("service_it");
        Map<String, String> env = ExamplesTopology.env(db, "2026-09");
        env.putAll(ExamplesTopology.clusterEnv());
        Rules rules = RulesReader.read(Path.of("rules/phase4.yaml"), env::get, CLOCK);
        Schema.migrate(rules, CLOCK, com.skyriff.data.migrations.Progress.NONE);
        db.shards().forEach(s -> s.awaitReplicaCatchUp(Duration.ofSeconds(60)));
        data = SkyriffData.builder().rules(rules).clock(CLOCK).build();
        SkyriffMyBatis.Builder mb = SkyriffMyBatis.builder(data);
        Mappers.all().forEach(mb::mapper);
        mybatis = mb.build();
        service = new SkyriffService(mybatis, CLOCK);
    }

    @Test
    void phase4Rules_serviceStatements_takeTheSingleShardPath_generatedIdInsertsToo() {
        String users = Mappers.UserMapper.class.getName() + ".";
        String videos = Mappers.VideoMapper.class.getName() + ".";
        String follows = Mappers.FollowMapper.class.getName() + ".";
        String watches = Mappers.WatchMapper.class.getName() + ".";
        String wallets = Mappers.WalletMapper.class.getName() + ".";
        OffsetDateTime at = OffsetDateTime.now(CLOCK);
        Map<String, Map<String, Object>> keyed = new java.util.LinkedHashMap<>();
        keyed.put(users + "findById", Map.of("userId", 42L));
        keyed.put(users + "findByIdOnPrimary", Map.of("userId", 42L));
        keyed.put(users + "rename", Map.of("userId", 42L, "displayName", "x"));
        keyed.put(videos + "addView", Map.of("userId", 42L, "videoId", 7L));
        keyed.put(videos + "topByAuthor", Map.of("userId", 42L, "limit", 5));
        keyed.put(follows + "following", Map.of("follower", 42L));
        keyed.put(watches + "history", Map.of("userId", 42L, "from", at.minusMonths(2), "to", at, "limit", 20,
                "offset", 0));
        keyed.put(wallets + "balance", Map.of("userId", 42L));
        keyed.put(wallets + "balanceForUpdate", Map.of("userId", 42L));
        keyed.put(wallets + "setBalance", Map.of("userId", 42L, "balance", BigDecimal.ONE, "at", at));
        keyed.put(watches + "record", Map.of("userId", 42L, "videoId", 7L, "watchedS", 30, "at", at));
        keyed.put(wallets + "append", Map.of("userId", 42L, "amount", BigDecimal.ONE, "balanceAfter", BigDecimal.ONE,
                "kind", "credit", "at", at));

        keyed.forEach((id, args) -> assertThat(mybatis.route(id, args).path()).as(id)
                .isEqualTo(com.skyriff.data.StatementRoute.Path.SINGLE_SHARD));
        assertThat(mybatis.route(videos + "insert", new Mappers.NewVideo(42L, "t", 60, at)).path())
                .as("an insert whose id the layer takes from ShardingSphere's key generator")
                .isEqualTo(com.skyriff.data.StatementRoute.Path.SINGLE_SHARD);
    }

    @AfterAll
    static void stop() {
        if (data != null) {
            data.close();
        }
    }

    static void catchUp() {
        db.shards().forEach(s -> s.awaitReplicaCatchUp(Duration.ofSeconds(30)));
    }

    @Test
    void registerUser_thenProfile_readsBackFromPrimaryAtOnceAndReplicaAfterCatchUp() {
        long id = service.registerUser("ada", "Ada L.", "eu");
        assertThat(service.freshProfile(id)).get().extracting(Domain.User::handle).isEqualTo("ada");
        catchUp();
        assertThat(service.profile(id)).get().extracting(Domain.User::displayName).isEqualTo("Ada L.");
        assertThat(service.balance(id)).isEqualByComparingTo("0");
    }

    @Test
    void registerUser_manyUsers_spreadOverBothShards() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(service.registerUser("u" + i, "User " + i, "us"));
        }
        assertThat(new HashSet<>(ids)).hasSize(40);
        assertThat(ids.stream().map(id -> data.rules().orElseThrow().buckets().shardOf(id)).distinct())
                .containsExactlyInAnyOrder("shard0", "shard1");
    }

    @Test
    void publishAndWatch_topVideos_orderedByViews() {
        long author = service.registerUser("author", "Author", "eu");
        long viewer = service.registerUser("viewer", "Viewer", "us");
        long a = service.publishVideo(author, "first", 60);
        long b = service.publishVideo(author, "second", 90);
        OffsetDateTime at = OffsetDateTime.now(CLOCK);
        service.recordWatch(viewer, author, b, 30, at);
        service.recordWatch(viewer, author, b, 45, at);
        service.recordWatch(viewer, author, a, 10, at);
        catchUp();
        List<Video> top = service.topVideos(author, 10);
        assertThat(top).extracting(Video::videoId).containsExactly(b, a);
        assertThat(top).extracting(Video::views).containsExactly(2L, 1L);
    }

    @Test
    void follow_twice_isIdempotentAndListed() {
        long x = service.registerUser("x", "X", "eu");
        long y = service.registerUser("y", "Y", "eu");
        long z = service.registerUser("z", "Z", "eu");
        service.follow(x, y);
        service.follow(x, y);
        service.follow(x, z);
        catchUp();
        assertThat(service.following(x)).containsExactlyInAnyOrder(y, z);
    }

    @Test
    void watchHistory_pagedAcrossThreeMonths_returnsEveryEventOnceNewestFirst() {
        long viewer = service.registerUser("binge", "Binge", "eu");
        long author = service.registerUser("maker", "Maker", "eu");
        long video = service.publishVideo(author, "series", 120);
        List<OffsetDateTime> times = new ArrayList<>();
        for (String day : List.of("2026-09-03", "2026-09-28", "2026-10-01", "2026-10-15", "2026-10-31", "2026-11-02",
                "2026-11-20", "2026-11-24")) {
            OffsetDateTime at = OffsetDateTime.parse(day + "T12:00:00Z");
            service.recordWatch(viewer, author, video, 5, at);
            times.add(at);
        }
        catchUp();
        List<OffsetDateTime> paged = new ArrayList<>();
        for (int page = 0; page < 5; page++) {
            List<WatchEvent> events = service.watchHistory(viewer, 3, page, 3);
            events.forEach(e -> paged.add(e.createdAt().withOffsetSameInstant(ZoneOffset.UTC)));
            if (events.size() < 3) {
                break;
            }
        }
        List<OffsetDateTime> expected = new ArrayList<>(times);
        expected.sort(java.util.Comparator.reverseOrder());
        assertThat(paged).containsExactlyElementsOf(expected);
        assertThat(service.watchHistory(viewer, 2, 0, 100)).as("last two months exclude September").hasSize(6);
    }

    @Test
    void debit_concurrentOnOneWallet_neverOverdraftsNorLosesAnUpdate() throws Exception {
        long user = service.registerUser("payer", "Payer", "eu");
        service.credit(user, new BigDecimal("100.00"));
        int attempts = 16;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger refused = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            futures.add(pool.submit(() -> {
                try {
                    service.debit(user, new BigDecimal("15.00"));
                } catch (InsufficientFundsException e) {
                    refused.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertThat(refused).hasValue(attempts - 6);
        assertThat(service.balance(user)).as("replica may lag; read after catch-up").satisfiesAnyOf(
                b -> assertThat(b).isNotNull());
        catchUp();
        assertThat(service.balance(user)).isEqualByComparingTo("10.00");
        List<LedgerEntry> ledger = service.ledger(user, OffsetDateTime.parse("2026-11-01T00:00:00Z"),
                OffsetDateTime.parse("2026-12-01T00:00:00Z"));
        assertThat(ledger).hasSize(7);
        BigDecimal sum = ledger.stream().map(LedgerEntry::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(sum).isEqualByComparingTo("10.00");
        assertThat(ledger).allSatisfy(e -> assertThat(e.balanceAfter().signum()).isNotNegative());
    }

    @Test
    void debit_moreThanBalance_isRefusedAndChangesNothing() {
        long user = service.registerUser("poor", "Poor", "eu");
        service.credit(user, new BigDecimal("5.0000"));
        assertThatThrownBy(() -> service.debit(user, new BigDecimal("5.0001")))
                .isInstanceOf(InsufficientFundsException.class)
                .hasMessage("wallet of user " + user + " - debit of 5.0001 refused: balance is 5.0000");
        catchUp();
        assertThat(service.balance(user)).isEqualByComparingTo("5");
    }
}
