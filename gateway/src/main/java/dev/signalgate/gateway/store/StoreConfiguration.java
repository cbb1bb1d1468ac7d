package dev.signalgate.gateway.store;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import dev.signalgate.gateway.config.GatewayProperties;
import dev.signalgate.persistence.MessageStore;
import dev.signalgate.persistence.MessageWriter;
import dev.signalgate.persistence.WriterSettings;
import dev.signalgate.persistence.mongo.MongoMessageStore;
import dev.signalgate.persistence.mongo.MongoReadMarkStore;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/** The message and read-mark stores on whichever MongoDB is configured, and the batching writer in front. */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StoreConfiguration.class);
    private static final Duration INDEX_WAIT = Duration.ofSeconds(10);

    @Bean
    MongoMessageStore messageStore(ReactiveMongoTemplate template, GatewayProperties properties) {
        return new MongoMessageStore(template, properties.store().retention());
    }

    @Bean
    MongoReadMarkStore readMarkStore(ReactiveMongoTemplate template) {
        return new MongoReadMarkStore(template);
    }

    @Bean
    MessageWriter messageWriter(MessageStore messageStore, GatewayProperties properties) {
        GatewayProperties.Store store = properties.store();
        return new MessageWriter(messageStore, WriterSettings.defaults()
                .withMaxBatch(store.batchSize())
                .withMaxDelay(store.batchDelay())
                .withWriteTimeout(store.writeTimeout())
                .withMaxQueueAge(store.maxQueueAge())
                .withRecentlyStored(store.recentlyStored()));
    }

    @Bean
    @ConditionalOnProperty("gateway.store.retention")
    RetentionSweeper retentionSweeper(MongoMessageStore messageStore, Clock clock) {
        return new RetentionSweeper(messageStore, clock);
    }

    @Bean
    StoreHealthIndicator storeHealthIndicator(ReactiveMongoTemplate template) {
        return new StoreHealthIndicator(template, Duration.ofSeconds(2));
    }

    /**
     * Creates the indexes before traffic arrives: the unique ones are what make {@code seq} and {@code tempId}
     * retries correct. A database that is down at start-up does not keep the gateway from serving relay and
     * signaling: index creation then goes on in the background until it succeeds.
     */
    @Bean
    ApplicationRunner storeIndexes(MongoMessageStore messages, MongoReadMarkStore readMarks) {
        return args -> {
            Mono<Void> indexes = messages.ensureIndexes().then(readMarks.ensureIndexes());
            try {
                indexes.block(INDEX_WAIT);
            } catch (RuntimeException e) {
                log.warn("store not ready at start-up ({}); creating indexes in the background", e.toString());
                indexes.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
                                .maxBackoff(Duration.ofSeconds(30)))
                        .subscribe(null, failure -> log.error("store indexes could not be created", failure),
                                () -> log.info("store indexes created"));
            }
        };
    }
}
