package dev.signalgate.gateway.config;

import java.net.URI;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;

import dev.signalgate.gateway.auth.HandshakeFilter;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;

/**
 * The upgrade of Spring's {@code ReactorNettyRequestUpgradeStrategy}, with a session that keeps only what the
 * gateway reads from its handshake: the principal. Spring's {@code HandshakeInfo} holds a copy of every request
 * header, the cookies, the remote address and the full URI (its query carries the token when a browser sends it
 * there), and its upgrade adds a checkpoint whose description is that URI again; a session lives as long as its
 * connection, so all of it stayed on the heap per idle connection, about two kilobytes. Everything the upgrade
 * checks (origin, token, shutdown) is done by {@link HandshakeFilter} before this runs.
 */
final class LeanWebSocketUpgrade implements RequestUpgradeStrategy {

    private static final URI WS_URI = URI.create(HandshakeFilter.WS_PATH);

    private final Supplier<WebsocketServerSpec.Builder> spec;

    LeanWebSocketUpgrade(Supplier<WebsocketServerSpec.Builder> spec) {
        this.spec = spec;
    }

    @Override
    public Mono<Void> upgrade(ServerWebExchange exchange, WebSocketHandler handler, @Nullable String subProtocol,
            Supplier<HandshakeInfo> handshakeInfoFactory) {
        ServerHttpResponse response = exchange.getResponse();
        HttpServerResponse reactorResponse = ServerHttpResponseDecorator.getNativeResponse(response);
        NettyDataBufferFactory bufferFactory = (NettyDataBufferFactory) response.bufferFactory();
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        HandshakeInfo info = new HandshakeInfo(path.equals(HandshakeFilter.WS_PATH) ? WS_URI : URI.create(path),
                HttpHeaders.EMPTY, exchange.getPrincipal(), subProtocol);
        WebsocketServerSpec.Builder builder = spec.get();
        if (subProtocol != null) {
            builder.protocols(subProtocol);
        }
        WebsocketServerSpec built = builder.build();
        // Like Spring's: commit the response first, which runs WebFlux's pre-commit actions.
        return response.setComplete().then(Mono.defer(() -> reactorResponse.sendWebsocket((in, out) -> {
            forgetRequestHeaders(in);
            return handler.handle(new ReactorNettyWebSocketSession(in, out, info, bufferFactory,
                    built.maxFramePayloadLength()));
        }, built)));
    }

    /**
     * Empties the upgrade request's headers, which Reactor Netty keeps for the socket's life: read by the handshake
     * checks already, they held about a kilobyte per idle connection (more from browsers: cookies, user agent),
     * the bearer token among them.
     */
    static void forgetRequestHeaders(WebsocketInbound in) {
        in.headers().clear();
    }
}
