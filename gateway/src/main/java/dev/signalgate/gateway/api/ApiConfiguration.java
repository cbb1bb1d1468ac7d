package dev.signalgate.gateway.api;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.signalgate.gateway.auth.TokenVerifier;
import dev.signalgate.gateway.cluster.ClusterRemoval;
import dev.signalgate.gateway.config.GatewayProperties;
import dev.signalgate.gateway.connection.ConnectionRegistry;
import dev.signalgate.gateway.control.LocalMemberRemoval;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.observability.AuditLog;
import dev.signalgate.gateway.observability.GatewayMetrics;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.persistence.MessageWriter;
import dev.signalgate.protocol.FrameCodec;

/**
 * The HTTP API's routes: {@code /api/rooms/{room}/events}, {@code /api/rooms/{room}/members/{userId}/remove},
 * {@code /api/stats}, {@code /api/users/{userId}/disconnect}.
 */
@Configuration(proxyBeanMethods = false)
class ApiConfiguration {

    @Bean
    ApiAuth apiAuth(TokenVerifier verifier) {
        return new ApiAuth(verifier);
    }

    @Bean
    EventPublisher eventPublisher(ApiAuth auth, @Qualifier("chatRooms") Hub chatRooms, ConnectionRegistry connections,
            MessageWriter writer, Replies replies, FrameCodec codec, Clock clock, GatewayMetrics metrics,
            GatewayProperties properties) {
        // A published event travels to clients as one frame: the body may be as large as a frame.
        int maxBody = (int) properties.limits().maxFrameSize().toBytes();
        return new EventPublisher(auth, chatRooms, connections, writer, replies, codec.mapper(), clock, metrics,
                maxBody);
    }

    @Bean
    StatsHandler statsHandler(ApiAuth auth, ConnectionRegistry connections, @Qualifier("chatRooms") Hub chatRooms,
            @Qualifier("calls") Hub calls, MessageWriter writer) {
        return new StatsHandler(auth, connections, chatRooms, calls, writer);
    }

    @Bean
    AdminHandler adminHandler(ApiAuth auth, ConnectionRegistry connections, AuditLog audit) {
        return new AdminHandler(auth, connections, audit);
    }

    @Bean
    RemovalHandler removalHandler(ApiAuth auth, LocalMemberRemoval local, ObjectProvider<ClusterRemoval> cluster,
            AuditLog audit) {
        ClusterRemoval everywhere = cluster.getIfAvailable();
        return new RemovalHandler(auth, everywhere == null ? local : everywhere, audit);
    }

    @Bean
    RouterFunction<ServerResponse> apiRoutes(EventPublisher events, StatsHandler stats, AdminHandler admin,
            RemovalHandler removals) {
        return RouterFunctions.route()
                .POST("/api/rooms/{room}/events", events::publish)
                .POST("/api/rooms/{room}/members/{userId}/remove", removals::remove)
                .GET("/api/stats", stats::stats)
                .POST("/api/users/{userId}/disconnect", admin::disconnect)
                .build();
    }
}
