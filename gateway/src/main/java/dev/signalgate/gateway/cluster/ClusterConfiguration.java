package dev.signalgate.gateway.cluster;

import java.time.Clock;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.data.redis.health.DataRedisReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.signalgate.gateway.config.GatewayProperties;
import dev.signalgate.gateway.connection.ConnectionRegistry;
import dev.signalgate.gateway.control.LocalMemberRemoval;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.room.Delivery;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.gateway.room.Presence;
import dev.signalgate.gateway.webrtc.WebRtcHandler;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.EventType;

/**
 * Cluster mode, only when {@code spring.data.redis.url} is set. Spring Boot's own Redis auto-configuration is
 * excluded in {@code GatewayApplication}, so that a single node never creates a Redis bean nor reports Redis in
 * its health; here the node makes its own Lettuce client ({@link ClusterNode}) and, for {@code /actuator/health},
 * a connection factory watched by Spring Boot's reactive Redis health indicator.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("spring.data.redis.url")
class ClusterConfiguration {

    @Bean(destroyMethod = "close")
    ClusterNode clusterNode(org.springframework.core.env.Environment environment,
            @Qualifier("chatRooms") Hub chatRooms, @Qualifier("calls") Hub calls, ConnectionRegistry registry,
            Replies replies, GatewayProperties properties, ObjectProvider<WebRtcHandler> webRtc) {
        GatewayProperties.Cluster settings = properties.cluster();
        ClusterNode.Departures departures = (hub, room, user) -> {
            EventType type = hub == chatRooms ? EventType.CHAT_USER_LEFT : EventType.WEBRTC_PEER_LEFT;
            var data = Replies.object();
            if (hub == chatRooms) {
                data.put("userId", user);
            }
            hub.publish(room, Delivery.toAll(replies.encode(Envelope.event(type, room, user, data))));
            if (hub == calls) {
                // The dead node's peers left the call: the room's chat members stop seeing them in it.
                webRtc.ifAvailable(handler -> handler.callStateChanged(room));
            }
        };
        return new ClusterNode(environment.getRequiredProperty("spring.data.redis.url"), settings.heartbeat(),
                settings.expiry(), settings.timeout(), List.of(chatRooms, calls), registry::byId, departures,
                (hub, room) -> {
                    if (hub != chatRooms) {
                        return;
                    }
                    var error = Replies.object()
                            .put("code", ErrorCode.UNAVAILABLE.wireName())
                            .put("message", "the gateway lost its cluster link and may have missed messages of"
                                    + " this room; join again with since to catch up");
                    hub.deliverRemote(room, Delivery.toAll(
                            replies.encode(new Envelope("error", null, room, null, null, null, error))));
                });
    }

    @Bean(destroyMethod = "close")
    ClusterRemoval clusterRemoval(ClusterNode node, LocalMemberRemoval local, Clock clock,
            GatewayProperties properties) {
        return node.removals(local, clock, properties.cluster().timeout());
    }

    @Bean
    Presence presence(ClusterNode node) {
        return node.presence();
    }

    @Bean(destroyMethod = "destroy")
    LettuceConnectionFactory redisHealthConnectionFactory(org.springframework.core.env.Environment environment) {
        RedisConfiguration configuration = LettuceConnectionFactory.createRedisConfiguration(
                environment.getRequiredProperty("spring.data.redis.url"));
        LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration);
        factory.afterPropertiesSet();
        return factory;
    }

    @Bean
    DataRedisReactiveHealthIndicator redisHealthIndicator(LettuceConnectionFactory redisHealthConnectionFactory) {
        return new DataRedisReactiveHealthIndicator(redisHealthConnectionFactory);
    }
}
