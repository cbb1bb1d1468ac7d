package dev.signalgate.gateway.config;

import java.time.Clock;
import java.util.List;

import io.netty.channel.group.ChannelGroup;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.signalgate.gateway.auth.HandshakeFilter;
import dev.signalgate.gateway.auth.RemovedMembers;
import dev.signalgate.gateway.auth.TokenVerifier;
import dev.signalgate.gateway.chat.ChatHandler;
import dev.signalgate.gateway.chat.MessageFlow;
import dev.signalgate.gateway.chat.StoredMessages;
import dev.signalgate.gateway.connection.ConnectionRegistry;
import dev.signalgate.gateway.connection.ConnectionSweep;
import dev.signalgate.gateway.control.AccessRevocation;
import dev.signalgate.gateway.control.ControlHandler;
import dev.signalgate.gateway.control.LocalMemberRemoval;
import dev.signalgate.gateway.connection.GatewayWebSocketHandler;
import dev.signalgate.gateway.connection.GracefulShutdown;
import dev.signalgate.gateway.connection.TokenExpiry;
import dev.signalgate.gateway.connection.SocketCloser;
import dev.signalgate.gateway.dispatch.ConnectionPolicy;
import dev.signalgate.gateway.dispatch.DisconnectListener;
import dev.signalgate.gateway.dispatch.Dispatcher;
import dev.signalgate.gateway.dispatch.EventHandler;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.dispatch.RoomRevoker;
import dev.signalgate.gateway.observability.GatewayEvents;
import dev.signalgate.gateway.observability.GatewayObserver;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.gateway.room.Presence;
import dev.signalgate.gateway.webrtc.IceServers;
import dev.signalgate.gateway.webrtc.WebRtcHandler;
import dev.signalgate.persistence.MessageStore;
import dev.signalgate.persistence.MessageWriter;
import dev.signalgate.persistence.ReadMarkStore;
import dev.signalgate.protocol.FrameCodec;
import dev.signalgate.protocol.FrameLimits;
import reactor.core.scheduler.Schedulers;

/** The core: codec, rooms, calls, handlers and the connection endpoint. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewayProperties.class)
class GatewayConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    GatewayEvents gatewayEvents(List<GatewayObserver> observers) {
        return new GatewayEvents(observers);
    }

    @Bean
    FrameLimits frameLimits(GatewayProperties properties) {
        GatewayProperties.Limits limits = properties.limits();
        int maxFrame = (int) limits.maxFrameSize().toBytes();
        return new FrameLimits(limits.maxNestingDepth(), maxFrame, FrameLimits.defaults().maxNameLength(),
                (int) limits.maxBodySize().toBytes());
    }

    @Bean
    FrameCodec frameCodec(FrameLimits limits) {
        return new FrameCodec(limits);
    }

    @Bean
    Replies replies(FrameCodec codec) {
        return new Replies(codec);
    }

    @Bean
    Hub chatRooms(GatewayProperties properties) {
        return new Hub("chat", Integer.MAX_VALUE, properties.outbound().queueCapacity());
    }

    @Bean
    Hub calls(GatewayProperties properties) {
        return new Hub("call", properties.call().capacity(), properties.outbound().queueCapacity());
    }

    @Bean
    ConnectionRegistry connectionRegistry() {
        return new ConnectionRegistry();
    }

    @Bean
    StoredMessages storedMessages(FrameCodec codec) {
        return new StoredMessages(codec.mapper());
    }

    @Bean
    MessageFlow messageFlow(@Qualifier("chatRooms") Hub chatRooms, Replies replies, MessageWriter writer,
            StoredMessages storedMessages, FrameLimits limits, Clock clock, GatewayEvents events) {
        return new MessageFlow(chatRooms, replies, writer, storedMessages, limits, clock, events);
    }

    @Bean
    ChatHandler chatHandler(@Qualifier("chatRooms") Hub chatRooms, Replies replies, MessageFlow messageFlow,
            MessageStore store, ReadMarkStore marks, StoredMessages storedMessages, GatewayProperties properties,
            GatewayEvents events, ObjectProvider<Presence> presence, WebRtcHandler webRtcHandler) {
        return new ChatHandler(chatRooms, replies, messageFlow, store, marks, storedMessages,
                properties.store().writeTimeout(), properties.outbound().queueCapacity() / 4, events,
                presence.getIfAvailable(() -> Presence.LOCAL), webRtcHandler::callState,
                properties.store().joinStateMaxAge());
    }

    @Bean
    IceServers iceServers(GatewayProperties properties, Clock clock) {
        return new IceServers(properties.turn(), clock);
    }

    @Bean
    WebRtcHandler webRtcHandler(@Qualifier("calls") Hub calls, @Qualifier("chatRooms") Hub chatRooms,
            Replies replies, GatewayEvents events, GatewayProperties properties, IceServers iceServers,
            ObjectProvider<Presence> presence) {
        return new WebRtcHandler(calls, replies, events, properties.call(), iceServers, Schedulers.parallel(),
                presence.getIfAvailable(() -> Presence.LOCAL), chatRooms);
    }

    @Bean
    AccessRevocation accessRevocation(List<RoomRevoker> revokers, Replies replies) {
        return new AccessRevocation(revokers, replies);
    }

    @Bean
    RemovedMembers removedMembers(Clock clock, GatewayProperties properties) {
        return new RemovedMembers(clock, properties.removal().remember());
    }

    @Bean
    LocalMemberRemoval localMemberRemoval(ConnectionRegistry registry, AccessRevocation revocation,
            RemovedMembers removed, Clock clock) {
        return new LocalMemberRemoval(registry, revocation, removed, clock);
    }

    @Bean
    ControlHandler controlHandler(TokenVerifier verifier, Replies replies, TokenExpiry tokenExpiry,
            GatewayProperties properties, AccessRevocation revocation) {
        return new ControlHandler(verifier, replies, tokenExpiry, properties.jwt().maxTokenLength(), revocation);
    }

    @Bean
    Dispatcher dispatcher(FrameCodec codec, Replies replies, List<EventHandler> handlers, GatewayEvents events,
            GatewayProperties properties, RemovedMembers removed) {
        return new Dispatcher(codec, replies, handlers,
                new ConnectionPolicy(properties.limits().maxRoomsPerConnection(), removed), events);
    }

    @Bean
    SocketCloser socketCloser(ChannelGroup acceptedChannels, GatewayProperties properties) {
        return new SocketCloser(acceptedChannels, properties.outbound().closeTimeout());
    }

    @Bean
    GracefulShutdown gracefulShutdown(HandshakeFilter handshakeFilter, ConnectionRegistry registry,
            MessageWriter writer, GatewayProperties properties) {
        return new GracefulShutdown(handshakeFilter, registry, writer, properties.shutdown().grace());
    }

    @Bean
    TokenExpiry tokenExpiry(GatewayProperties properties, Clock clock) {
        return new TokenExpiry(properties.jwt().clockSkew(), clock);
    }

    /** Every connection's deadlines and pings, in one periodic task; stopped (closed) with the context. */
    @Bean
    ConnectionSweep connectionSweep(ConnectionRegistry registry, TokenExpiry tokenExpiry,
            GatewayProperties properties) {
        GatewayProperties.Liveness liveness = properties.liveness();
        return new ConnectionSweep(registry, tokenExpiry, liveness.pingInterval(), liveness.pingTimeout(),
                ConnectionSweep.tickFor(liveness.pingInterval(), liveness.pingTimeout(),
                        properties.limits().firstFrameTimeout()));
    }

    @Bean
    GatewayWebSocketHandler gatewayWebSocketHandler(Dispatcher dispatcher, Replies replies,
            ConnectionRegistry registry, List<DisconnectListener> disconnectListeners, SocketCloser closer,
            TokenExpiry tokenExpiry, GatewayProperties properties, GatewayEvents events) {
        return new GatewayWebSocketHandler(dispatcher, replies, registry, disconnectListeners, closer, tokenExpiry,
                properties, events);
    }
}
