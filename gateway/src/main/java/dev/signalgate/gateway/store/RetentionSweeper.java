package dev.signalgate.gateway.store;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.signalgate.persistence.mongo.MongoMessageStore;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Deletes messages older than the retention period once a minute. MongoDB's TTL index does this on a real
 * server; the embedded store keeps TTL indexes without ever expiring anything, so the gateway sweeps itself.
 * Runs only when {@code gateway.store.retention} is set.
 */
final class RetentionSweeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);
    private static final Duration INTERVAL = Duration.ofMinutes(1);

    private final MongoMessageStore store;
    private final Clock clock;
    private volatile Disposable sweeping;

    RetentionSweeper(MongoMessageStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void start() {
        sweeping = Flux.interval(INTERVAL)
                .concatMap(tick -> store.purgeExpired(clock.instant())
                        .doOnNext(purged -> {
                            if (purged > 0) {
                                log.info("retention: deleted {} expired messages", purged);
                            }
                        })
                        .onErrorResume(failure -> {
                            log.warn("retention sweep failed: {}", failure.toString());
                            return Mono.empty();
                        }))
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = sweeping;
        if (current != null) {
            current.dispose();
        }
        sweeping = null;
    }

    @Override
    public boolean isRunning() {
        return sweeping != null;
    }
}
