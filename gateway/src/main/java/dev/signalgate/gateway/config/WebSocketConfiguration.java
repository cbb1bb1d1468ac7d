package dev.signalgate.gateway.config;

import java.util.Map;

import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;

import dev.signalgate.gateway.auth.HandshakeFilter;
import dev.signalgate.gateway.connection.GatewayWebSocketHandler;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.resources.LoopResources;

/**
 * The {@code /ws} endpoint on Reactor Netty.
 *
 * <p>Frames larger than {@code gateway.limits.max-frame-size} make Netty close the connection with 1009.
 * Compression stays off: per-connection deflate roughly doubles CPU for small signaling frames and would defeat
 * encoding each envelope once per fan-out. Netty answers pings itself. Sessions keep only the principal of their
 * handshake ({@link LeanWebSocketUpgrade}). Well-formed upgrades are served by Reactor Netty's routes ahead of
 * WebFlux ({@link WebSocketRoute}); WebFlux answers the rest.
 */
@Configuration(proxyBeanMethods = false)
class WebSocketConfiguration implements WebFluxConfigurer {

    private final GatewayProperties properties;

    WebSocketConfiguration(GatewayProperties properties) {
        this.properties = properties;
    }

    @Bean
    HandlerMapping webSocketMapping(GatewayWebSocketHandler handler) {
        return new SimpleUrlHandlerMapping(Map.of(HandshakeFilter.WS_PATH, handler), -1);
    }

    @Override
    public WebSocketService getWebSocketService() {
        return new HandshakeWebSocketService(new LeanWebSocketUpgrade(this::spec));
    }

    /** Well-formed upgrades of {@code /ws}, served by Reactor Netty ahead of WebFlux. */
    @Bean
    NettyRouteProvider webSocketRoute(HandshakeFilter handshake, GatewayWebSocketHandler handler) {
        return new WebSocketRoute(handshake, handler, spec().build());
    }

    private WebsocketServerSpec.Builder spec() {
        int maxFrame = (int) properties.limits().maxFrameSize().toBytes();
        return WebsocketServerSpec.builder().maxFramePayloadLength(maxFrame).handlePing(false).compress(false);
    }

    /** Every accepted channel, so that a socket that cannot take a close frame can be cut by id. */
    @Bean
    ChannelGroup acceptedChannels() {
        return new DefaultChannelGroup("accepted", GlobalEventExecutor.INSTANCE);
    }

    /**
     * The server's event loops, {@code gateway.io-threads} of them, in place of Reactor Netty's global ones (at
     * least 4). Boot's web server runs on this factory's loops, which it creates on start and disposes on stop.
     */
    @Bean
    ReactorResourceFactory reactorResourceFactory() {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        factory.setLoopResourcesSupplier(() -> LoopResources.create("gateway-io", properties.effectiveIoThreads(), true));
        return factory;
    }

    /**
     * Tracks every accepted channel, and gives a TCP connection {@code gateway.limits.handshake-timeout} to send
     * its request: an idle connection that never completes an upgrade is closed instead of holding a socket.
     */
    @Bean
    NettyServerCustomizer channelTracking(ChannelGroup acceptedChannels) {
        return server -> server
                .idleTimeout(properties.limits().handshakeTimeout())
                .doOnConnection(connection -> acceptedChannels.add(connection.channel()));
    }
}
