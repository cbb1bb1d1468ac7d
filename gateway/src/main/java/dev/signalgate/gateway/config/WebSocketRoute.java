package dev.signalgate.gateway.config;

import java.net.URI;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;

import dev.signalgate.gateway.auth.BearerTokens;
import dev.signalgate.gateway.auth.HandshakeFilter;
import dev.signalgate.gateway.auth.UserPrincipal;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * Serves the {@code /ws} upgrade on Reactor Netty's own routes, ahead of Spring WebFlux: a reconnect storm is
 * thousands of upgrades a second, and WebFlux spent a tenth of the event loops' time on each before the upgrade
 * started (the exchange, its filter chain, the dispatcher's handler mappings, the handshake service), work that
 * an upgrade does not need. The checks are {@link HandshakeFilter}'s, with the same statuses and JSON refusals;
 * the WebSocket is the same {@link ReactorNettyWebSocketSession} served by the same {@link WebSocketHandler},
 * with a handshake that keeps only the principal (see {@link LeanWebSocketUpgrade}).
 *
 * <p>Only well-formed upgrades take this route: a {@code GET} of exactly {@code /ws} with {@code Upgrade:
 * websocket}, {@code Sec-WebSocket-Key} and {@code Sec-WebSocket-Version: 13}. Anything else goes on to WebFlux,
 * which refuses a bad token or origin the same way and answers a malformed upgrade as it always has.
 */
final class WebSocketRoute implements NettyRouteProvider {

    private static final URI WS_URI = URI.create(HandshakeFilter.WS_PATH);

    private final HandshakeFilter handshake;
    private final WebSocketHandler handler;
    private final WebsocketServerSpec spec;
    private final NettyDataBufferFactory buffers = new NettyDataBufferFactory(ByteBufAllocator.DEFAULT);

    WebSocketRoute(HandshakeFilter handshake, WebSocketHandler handler, WebsocketServerSpec spec) {
        this.handshake = handshake;
        this.handler = handler;
        this.spec = spec;
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.route(WebSocketRoute::isUpgrade, this::upgrade);
    }

    static boolean isUpgrade(HttpServerRequest request) {
        if (request.method() != HttpMethod.GET) {
            return false;
        }
        String uri = request.uri();
        var headers = request.requestHeaders();
        return (uri.equals(HandshakeFilter.WS_PATH) || uri.startsWith(HandshakeFilter.WS_PATH + "?"))
                && headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)
                && headers.contains(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13", false);
    }

    private Publisher<Void> upgrade(HttpServerRequest request, HttpServerResponse response) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        String token = BearerTokens.fromAuthorization(request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION));
        if (token == null && query >= 0) {
            token = BearerTokens.fromQuery(uri.substring(query + 1));
        }
        return handshake.admit(request.requestHeaders().get(HttpHeaderNames.ORIGIN), token, true,
                        (status, error, message, retryAfter) -> refuse(response, status, error, message, retryAfter))
                .flatMap(principal -> response.sendWebsocket((in, out) -> {
                    LeanWebSocketUpgrade.forgetRequestHeaders(in);
                    return handler.handle(new ReactorNettyWebSocketSession(in, out, handshakeOf(principal), buffers,
                            spec.maxFramePayloadLength()));
                }, spec));
    }

    private static HandshakeInfo handshakeOf(UserPrincipal principal) {
        return new HandshakeInfo(WS_URI, HttpHeaders.EMPTY, Mono.just(principal), null);
    }

    private static Mono<Void> refuse(HttpServerResponse response, HttpStatus status, String error, String message,
            String retryAfter) {
        response.status(HttpResponseStatus.valueOf(status.value()))
                .header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.header(HttpHeaderNames.WWW_AUTHENTICATE, HandshakeFilter.INVALID_TOKEN_CHALLENGE);
        }
        if (retryAfter != null) {
            response.header(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        byte[] body = HandshakeFilter.refusalBody(error, message);
        response.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(body.length));
        return response.sendByteArray(Mono.just(body)).then();
    }
}
