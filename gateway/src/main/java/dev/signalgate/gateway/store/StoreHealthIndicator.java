package dev.signalgate.gateway.store;

import java.time.Duration;

import org.bson.Document;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import reactor.core.publisher.Mono;

/**
 * The message store's health, by a {@code ping} command. It replaces Spring Boot's MongoDB indicator, whose
 * {@code hello} command the embedded MongoDB-wire server does not implement; {@code ping} works on both.
 */
final class StoreHealthIndicator implements ReactiveHealthIndicator {

    private final ReactiveMongoTemplate template;
    private final Duration timeout;

    StoreHealthIndicator(ReactiveMongoTemplate template, Duration timeout) {
        this.template = template;
        this.timeout = timeout;
    }

    @Override
    public Mono<Health> health() {
        return template.executeCommand(new Document("ping", 1))
                .timeout(timeout)
                .map(answer -> Health.up().build())
                .onErrorResume(failure -> Mono.just(Health.down().withDetail("error", failure.toString()).build()));
    }
}
