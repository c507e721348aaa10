package com.skyriff.data.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.noop.NoopCounter;
import io.micrometer.core.instrument.noop.NoopTimer;

/**
 * The meters of one entity cache, created once; without a registry every meter is a no-op the JIT can drop.
 * Names: {@code skyriff.cache.gets{result=hit|absent|miss, tier=near|redis|none}}, {@code skyriff.cache.bypassed{reason}},
 * {@code skyriff.cache.loads{result}} (a timer), {@code skyriff.cache.stale.prevented}, {@code skyriff.cache.single.flight.waits{scope}},
 * {@code skyriff.cache.single.flight.timeouts}, {@code skyriff.cache.invalidations{result=done|deferred}},
 * {@code skyriff.cache.errors{kind=redis|decode}}; all tagged {@code cache=<namespace>, entity=<name>}. Thread-safe.
 */
final class CacheMetrics {
    final Counter nearHits;
    final Counter redisHits;
    final Counter nearAbsentHits;
    final Counter redisAbsentHits;
    final Counter misses;
    final Counter bypassedByBreaker;
    final Counter bypassedInTransaction;
    final Timer loadSuccess;
    final Timer loadFailure;
    final Counter stalePrevented;
    final Counter localWaits;
    final Counter remoteWaits;
    final Counter waitTimeouts;
    final Counter invalidations;
    final Counter deferredInvalidations;
    final Counter decodeErrors;

    CacheMetrics(MeterRegistry registry, String namespace, String entity) {
        Tags tags = Tags.of("cache", namespace, "entity", entity);
        nearHits = counter(registry, "skyriff.cache.gets", tags.and("result", "hit", "tier", "near"));
        redisHits = counter(registry, "skyriff.cache.gets", tags.and("result", "hit", "tier", "redis"));
        nearAbsentHits = counter(registry, "skyriff.cache.gets", tags.and("result", "absent", "tier", "near"));
        redisAbsentHits = counter(registry, "skyriff.cache.gets", tags.and("result", "absent", "tier", "redis"));
        misses = counter(registry, "skyriff.cache.gets", tags.and("result", "miss", "tier", "none"));
        bypassedByBreaker = counter(registry, "skyriff.cache.bypassed", tags.and("reason", "breaker-open"));
        bypassedInTransaction = counter(registry, "skyriff.cache.bypassed", tags.and("reason", "in-transaction"));
        loadSuccess = timer(registry, "skyriff.cache.loads", tags.and("result", "success"));
        loadFailure = timer(registry, "skyriff.cache.loads", tags.and("result", "failure"));
        stalePrevented = counter(registry, "skyriff.cache.stale.prevented", tags.and("reason", "lease-lost"));
        localWaits = counter(registry, "skyriff.cache.single.flight.waits", tags.and("scope", "local"));
        remoteWaits = counter(registry, "skyriff.cache.single.flight.waits", tags.and("scope", "remote"));
        waitTimeouts = counter(registry, "skyriff.cache.single.flight.timeouts", tags);
        invalidations = counter(registry, "skyriff.cache.invalidations", tags.and("result", "done"));
        deferredInvalidations = counter(registry, "skyriff.cache.invalidations", tags.and("result", "deferred"));
        decodeErrors = counter(registry, "skyriff.cache.errors", tags.and("kind", "decode"));
    }

    static Counter counter(MeterRegistry registry, String name, Tags tags) {
        return registry == null ? new NoopCounter(new Meter.Id(name, tags, null, null, Meter.Type.COUNTER))
                : Counter.builder(name).tags(tags).register(registry);  // not counter(String, Tags): Micrometer 1.17+ only
    }

    static Timer timer(MeterRegistry registry, String name, Tags tags) {
        return registry == null ? new NoopTimer(new Meter.Id(name, tags, null, null, Meter.Type.TIMER))
                : Timer.builder(name).tags(tags).register(registry);
    }
}
