package dev.signalgate.gateway.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationPredicate;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

import dev.signalgate.gateway.auth.HandshakeFilter;
import dev.signalgate.gateway.connection.ConnectionRegistry;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.persistence.MessageWriter;
import dev.signalgate.persistence.mongo.MongoMessageStore;

/**
 * Metrics, the audit log, and log lines written off the event loops. Both observers are picked up by {@code GatewayEvents} with every other
 * {@code GatewayObserver} bean.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuditProperties.class)
class ObservabilityConfiguration {

    @Bean
    GatewayMetrics gatewayMetrics(MeterRegistry registry, ConnectionRegistry connections,
            @Qualifier("chatRooms") Hub chatRooms, @Qualifier("calls") Hub calls) {
        return new GatewayMetrics(registry, connections, chatRooms, calls);
    }

    @Bean
    StoreMetrics storeMetrics(MeterRegistry registry, MessageWriter writer, MongoMessageStore store) {
        return new StoreMetrics(registry, writer, store);
    }

    /**
     * No HTTP server observation for {@code /ws} and {@code /ws/http/...}: an upgrade's (or a stream's) request
     * lasts as long as its connection, and its observation would keep the request, the response and the exchange's
     * attributes alive with it, about a kilobyte per idle connection. Connections have their own metrics
     * ({@link GatewayMetrics}); the other endpoints keep {@code http.server.requests}.
     */
    @Bean
    ObservationPredicate noConnectionRequestObservations() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && isConnectionPath(request.getCarrier().getPath().pathWithinApplication().value()));
    }

    static boolean isConnectionPath(String path) {
        return path.equals(HandshakeFilter.WS_PATH) || path.startsWith(HandshakeFilter.WS_PATH + "/");
    }

    @Bean
    AuditLog auditLog(@Qualifier("calls") Hub calls, AuditProperties properties) {
        return new AuditLog(calls, properties.enabled());
    }

    @Bean
    @ConditionalOnProperty(name = "gateway.logging.async", matchIfMissing = true)
    OffLoopLogging offLoopLogging() {
        return new OffLoopLogging();
    }

    @Bean
    @ConditionalOnProperty("gateway.audit.file")
    AuditFile auditFile(AuditProperties properties) {
        return new AuditFile(properties.file(), properties.format());
    }
}
