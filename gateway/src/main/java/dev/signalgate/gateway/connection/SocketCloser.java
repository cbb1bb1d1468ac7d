package dev.signalgate.gateway.connection;

import java.time.Duration;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;

import dev.signalgate.protocol.CloseCode;
import reactor.core.publisher.Mono;

/**
 * Closes sockets with a close code, and cuts the ones that cannot take a close frame.
 *
 * <p>A close frame is queued behind whatever the socket still has to write, so a client that stopped reading
 * never receives it and the close handshake never ends. After {@code closeTimeout} such a socket is closed at the
 * TCP level through its Netty channel, found by id in the group of all accepted channels.
 */
public final class SocketCloser {

    private final ChannelGroup channels;
    private final Duration closeTimeout;

    public SocketCloser(ChannelGroup channels, Duration closeTimeout) {
        this.channels = channels;
        this.closeTimeout = closeTimeout;
    }

    /** Sends a close frame now, then cuts the socket if it is still open after the close timeout. */
    public void closeNow(WebSocketSession session, CloseCode code) {
        session.close(status(code)).onErrorComplete().subscribe();
        cutLater(session);
    }

    /**
     * The close frame for a socket that has drained its queue, followed by a half-close rather than a full one:
     * the connection stays readable until the client answers with its own close frame (or the close timeout cuts
     * it). Closing at once, with frames the client sent in the meantime still unread, makes the kernel answer
     * with a reset, and a client that had not yet read our close frame then loses it and sees 1006 instead of,
     * say, 1001.
     */
    public Mono<Void> closeDrained(WebSocketSession session, CloseCode code) {
        Channel channel = channel(session);
        if (!(channel instanceof DuplexChannel duplex) || !channel.isActive()) {
            return session.close(status(code)).onErrorComplete();
        }
        return Mono.<Void>create(done -> channel.writeAndFlush(new CloseWebSocketFrame(code.code(), code.reason()))
                .addListener(written -> {
                    if (written.isSuccess()) {
                        duplex.shutdownOutput();
                    } else {
                        channel.close();
                    }
                    done.success();
                }));
    }

    /** Cuts the socket if it is still open after the close timeout. */
    public void cutLater(WebSocketSession session) {
        Mono.delay(closeTimeout).subscribe(tick -> cut(session));
    }

    private void cut(WebSocketSession session) {
        // Not guarded by session.isOpen(): that turns false once our close frame is queued, which is exactly
        // when a peer that never answers it would keep the socket forever. Closing a closed channel is harmless.
        Channel channel = channel(session);
        if (channel != null) {
            channel.close();
        }
    }

    /**
     * The Netty channel under a session, or null when it is gone: used to cut sockets and to read how many bytes
     * Netty still holds for one.
     */
    public Channel channel(WebSocketSession session) {
        return session instanceof ReactorNettyWebSocketSession netty ? channels.find(netty.getChannelId()) : null;
    }

    /**
     * Bytes written to the socket's Netty channel and not yet taken by the kernel: the part of a slow client's
     * backlog that sits below the outbox. Reactor Netty's send keeps draining the outbox into the channel even
     * when the channel is no longer writable, so this is where a stuck client's frames pile up.
     */
    public static long unsentBytes(Channel channel) {
        if (channel == null) {
            return 0;
        }
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    public static CloseStatus status(CloseCode code) {
        return new CloseStatus(code.code(), code.reason());
    }
}
