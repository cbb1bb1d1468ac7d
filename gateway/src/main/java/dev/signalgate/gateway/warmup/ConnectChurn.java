package dev.signalgate.gateway.warmup;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Short connections, the way every client of a restarted node comes back: the upgrade with a bearer token, the
 * welcome, a {@code chat:join_room} answered by its ack, a close with 1000. Runs the handshake, token check,
 * admission, dispatch and join paths enough times for the JIT to compile them before real clients arrive. The
 * client runs on an event loop of its own, disposed at the end, never on the server's.
 */
final class ConnectChurn {

    /** What a churn did: connections that got their join's ack, and the others with the first reason. */
    record Outcome(int joined, int failed, String firstFailure) {
    }

    private static final Duration PER_CONNECTION = Duration.ofSeconds(10);
    private static final String WITHOUT_ORIGIN = "warm-up-without-origin";
    private static final String ACK = "\"type\":\"ack\"";
    private static final String ERROR = "\"type\":\"error\"";

    private final URI url;
    private final IntFunction<String> token;
    private final IntFunction<String> room;

    /**
     * @param token the bearer token of the connection with this index
     * @param room the room the connection with this index joins
     */
    ConnectChurn(URI url, IntFunction<String> token, IntFunction<String> room) {
        this.url = url;
        this.token = token;
        this.room = room;
    }

    /** Opens {@code connections} one after the other, {@code concurrency} at a time; within {@code timeout}. */
    Outcome run(int connections, int concurrency, Duration timeout) {
        LoopResources loop = LoopResources.create("warm-up-client", 1, true);
        AtomicInteger joined = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        try {
            HttpClient client = HttpClient.create(ConnectionProvider.newConnection()).runOn(loop)
                    .doOnConnected(connection -> connection.addHandlerLast(WITHOUT_ORIGIN, new WithoutOrigin()));
            Flux.range(0, connections)
                    .flatMap(index -> once(client, index)
                            .doOnSuccess(done -> joined.incrementAndGet())
                            .onErrorResume(failure -> {
                                firstFailure.compareAndSet(null, failure.toString());
                                return Mono.empty();
                            }), concurrency)
                    .then()
                    .block(timeout);
        } catch (IllegalStateException timedOut) {
            firstFailure.compareAndSet(null, "not done within " + timeout.toSeconds() + " s");
        } finally {
            loop.disposeLater().block(PER_CONNECTION);
        }
        return new Outcome(joined.get(), connections - joined.get(), firstFailure.get());
    }

    private Mono<Void> once(HttpClient client, int index) {
        String join = "{\"type\":\"chat:join_room\",\"id\":\"warm-up\",\"room\":\"" + room.apply(index) + "\"}";
        return client.headers(headers -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token.apply(index)))
                .websocket(WebsocketClientSpec.builder().handlePing(false).build())
                .uri(url)
                .handle((in, out) -> out.sendString(Mono.just(join)).then()
                        .then(joinAnswered(in))
                        .then(out.sendClose(1000, "warm-up done")))
                .then()
                .timeout(PER_CONNECTION);
    }

    /** Completes on the join's ack; an error frame, or the socket closing first, is a failure. */
    private static Mono<Void> joinAnswered(WebsocketInbound in) {
        return in.receive().asString()
                .filter(text -> text.contains(ACK) || text.contains(ERROR))
                .next()
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("closed before the join's ack")))
                .flatMap(answer -> answer.contains(ACK) ? Mono.<Void>empty()
                        : Mono.error(new IllegalStateException("join refused: " + answer)));
    }

    /**
     * Takes the {@code Origin} header off the upgrade request: Netty's handshaker adds one of its own, which a
     * gateway with {@code GATEWAY_ALLOWED_ORIGINS} set refuses with 403, while this is no browser.
     */
    private static final class WithoutOrigin extends ChannelOutboundHandlerAdapter {

        @Override
        public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
            if (message instanceof HttpRequest request) {
                request.headers().remove(HttpHeaderNames.ORIGIN);
            }
            context.write(message, promise);
        }
    }
}
