package dev.signalgate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.connection.ConnectionRegistry;
import dev.signalgate.gateway.connection.Frame;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.protocol.CloseCode;
import dev.signalgate.protocol.ErrorCode;

/** Tag values stay bounded whatever the traffic, and closes are counted by code. */
class GatewayMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final GatewayMetrics metrics = new GatewayMetrics(registry, new ConnectionRegistry(),
            new Hub("chat", Integer.MAX_VALUE, 16), new Hub("call", 2, 16));

    private double counter(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).counter().count();
    }

    @Test
    void knownTypesCountUnderTheirOwnName() {
        metrics.frameReceived(null, "chat:send_message");
        metrics.frameQueued(null, Frame.essential("chat:confirmed", new byte[0]));

        assertThat(counter("signalgate.frames.in", "type", "chat:send_message")).isEqualTo(1);
        assertThat(counter("signalgate.frames.out", "type", "chat:confirmed")).isEqualTo(1);
    }

    @Test
    void freeFormTypesCollapseSoTheTagSpaceStaysBounded() {
        int before = registry.getMeters().size();
        for (int i = 0; i < 100; i++) {
            metrics.frameQueued(null, Frame.essential("queue" + i + ":updated", "{}".getBytes(StandardCharsets.UTF_8)));
            metrics.frameReceived(null, "made-up-" + i);
        }
        metrics.frameReceived(null, null);
        metrics.frameQueued(null, Frame.essential("weird", new byte[0]));

        assertThat(registry.getMeters()).hasSize(before);
        assertThat(counter("signalgate.frames.out", "type", "event")).isEqualTo(100);
        assertThat(counter("signalgate.frames.out", "type", "other")).isEqualTo(1);
        assertThat(counter("signalgate.frames.in", "type", "other")).isEqualTo(100);
        assertThat(counter("signalgate.frames.in", "type", "invalid")).isEqualTo(1);
    }

    @Test
    void slowConsumerClosesAreCountedApartAndByCode() {
        metrics.connectionClosed(closedWith(CloseCode.SLOW_CONSUMER));
        metrics.connectionClosed(closedWith(CloseCode.GOING_AWAY));
        metrics.connectionClosed(closedWith(null));

        assertThat(registry.get("signalgate.slow.consumer.closes").counter().count()).isEqualTo(1);
        assertThat(counter("signalgate.connections.closed", "code", "4008")).isEqualTo(1);
        assertThat(counter("signalgate.connections.closed", "code", "1001")).isEqualTo(1);
        assertThat(counter("signalgate.connections.closed", "code", "client")).isEqualTo(1);
    }

    @Test
    void refusalsDropsAndFailuresAreCountedByReason() {
        metrics.frameRefused(null, "chat:send_message", ErrorCode.NOT_IN_ROOM);
        metrics.frameDropped(null, Frame.ephemeral("chat:typing", new byte[0]), "ephemeral");
        metrics.messageFailed("r", ErrorCode.UNAVAILABLE);
        metrics.handshakeRefused(401);
        metrics.handshakeRefused(429);

        assertThat(counter("signalgate.frames.refused", "code", "not_in_room")).isEqualTo(1);
        assertThat(counter("signalgate.frames.dropped", "reason", "ephemeral")).isEqualTo(1);
        assertThat(counter("signalgate.messages.failed", "code", "unavailable")).isEqualTo(1);
        assertThat(counter("signalgate.handshake.refused", "status", "401")).isEqualTo(1);
        assertThat(counter("signalgate.handshake.refused", "status", "429")).isEqualTo(1);
    }

    private static Connection closedWith(CloseCode code) {
        Connection connection = mock(Connection.class);
        when(connection.closeCode()).thenReturn(code);
        return connection;
    }
}
