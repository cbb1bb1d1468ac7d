package dev.signalgate.gateway.transport.http;

import java.util.List;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.signalgate.gateway.auth.HandshakeFilter;
import dev.signalgate.gateway.auth.OriginPolicy;
import dev.signalgate.gateway.config.GatewayProperties;
import dev.signalgate.gateway.connection.ConnectionRegistry;
import dev.signalgate.gateway.connection.TokenExpiry;
import dev.signalgate.gateway.dispatch.DisconnectListener;
import dev.signalgate.gateway.dispatch.Dispatcher;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.observability.GatewayEvents;
import dev.signalgate.protocol.FrameLimits;

/** The HTTP fallback transport under {@code /ws/http/sessions}, beside the WebSocket endpoint. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HttpTransportProperties.class)
class HttpTransportConfiguration {

    @Bean
    HttpSessions httpSessions(Dispatcher dispatcher, Replies replies, ConnectionRegistry registry,
            List<DisconnectListener> disconnectListeners, TokenExpiry tokenExpiry, GatewayProperties properties,
            HttpTransportProperties http, GatewayEvents events) {
        return new HttpSessions(dispatcher, replies, registry, disconnectListeners, tokenExpiry, properties, http,
                events);
    }

    @Bean
    HttpTransportFilter httpTransportFilter(HandshakeFilter handshake, OriginPolicy origins, HttpSessions sessions,
            HttpTransportProperties http, FrameLimits limits, GatewayProperties properties) {
        HttpTransportEndpoints endpoints = new HttpTransportEndpoints(sessions, http, limits,
                (int) properties.limits().maxFrameSize().toBytes(), properties.outbound());
        return new HttpTransportFilter(handshake, origins, sessions, endpoints);
    }
}
