package dev.signalgate.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.signalgate.gateway.auth.RoomAccess;
import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.protocol.CloseCode;

/**
 * The sweep's deadlines, driven at chosen instants: {@code check} is called directly, the periodic task is set to
 * a tick too long to run during a test.
 */
class ConnectionSweepTest {

    private static final Duration INTERVAL = Duration.ofSeconds(25);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final TokenExpiry expiry = new TokenExpiry(Duration.ofSeconds(30), Clock.fixed(NOW, ZoneOffset.UTC));
    private final ConnectionSweep sweep = new ConnectionSweep(registry, expiry, INTERVAL, TIMEOUT, Duration.ofHours(1));
    private final AtomicReference<CloseCode> closed = new AtomicReference<>();
    private final EmbeddedChannel socket = new EmbeddedChannel();

    @AfterEach
    void stop() {
        sweep.close();
        socket.finishAndReleaseAll();
    }

    @Test
    void aConnectionSilentPastItsFirstFrameDeadlineIsClosedWith4000() {
        Connection connection = connection(NOW.plusSeconds(3600));
        long start = System.nanoTime();
        connection.firstFrameDeadline(Connection.deadline(start + seconds(30)));
        sweep.check(connection, start + seconds(29), NOW.toEpochMilli());
        assertThat(closed.get()).isNull();
        sweep.check(connection, start + seconds(30), NOW.toEpochMilli());
        assertThat(closed.get()).isEqualTo(CloseCode.TIMEOUT);
    }

    @Test
    void aConnectionThatSentAFrameOutlivesItsFirstFrameDeadline() {
        Connection connection = connection(NOW.plusSeconds(3600));
        long start = System.nanoTime();
        connection.firstFrameDeadline(Connection.deadline(start + seconds(30)));
        connection.markSentFrames();
        sweep.check(connection, start + seconds(31), NOW.toEpochMilli());
        assertThat(closed.get()).isNull();
        assertThat(connection.firstFrameDeadline()).isEqualTo(Connection.NO_DEADLINE);
    }

    @Test
    void aPingGoesOutEachIntervalAndOneUnansweredPastTheTimeoutClosesWith4000() {
        Connection connection = connection(NOW.plusSeconds(3600));
        long start = System.nanoTime();
        connection.pingOver(socket, start + INTERVAL.toNanos());
        sweep.check(connection, start + seconds(24), NOW.toEpochMilli());
        assertThat((Object) socket.readOutbound()).isNull();
        long pinged = start + seconds(25);
        sweep.check(connection, pinged, NOW.toEpochMilli());
        assertThat((Object) socket.readOutbound()).isInstanceOf(PingWebSocketFrame.class);
        sweep.check(connection, pinged + seconds(19), NOW.toEpochMilli());
        assertThat(closed.get()).isNull();
        sweep.check(connection, pinged + seconds(20), NOW.toEpochMilli());
        assertThat(closed.get()).isEqualTo(CloseCode.TIMEOUT);
    }

    @Test
    void anyFrameFromTheClientAnswersThePing() {
        Connection connection = connection(NOW.plusSeconds(3600));
        long start = System.nanoTime();
        connection.pingOver(socket, start);
        sweep.check(connection, start, NOW.toEpochMilli());
        assertThat((Object) socket.readOutbound()).isInstanceOf(PingWebSocketFrame.class);
        connection.touch();
        sweep.check(connection, start + seconds(20), NOW.toEpochMilli());
        assertThat(closed.get()).isNull();
        assertThat((Object) socket.readOutbound()).isNull();
        // The next ping, one interval after the first, is the one that counts from then on.
        sweep.check(connection, start + seconds(25), NOW.toEpochMilli());
        assertThat((Object) socket.readOutbound()).isInstanceOf(PingWebSocketFrame.class);
        sweep.check(connection, start + seconds(44), NOW.toEpochMilli());
        assertThat(closed.get()).isNull();
        sweep.check(connection, start + seconds(45), NOW.toEpochMilli());
        assertThat(closed.get()).isEqualTo(CloseCode.TIMEOUT);
    }

    @Test
    void aTokenPastItsExpiryAndSkewClosesWith1008UnlessRefreshed() {
        Connection connection = connection(NOW.minusSeconds(29));
        expiry.watch(connection);
        long now = System.nanoTime();
        sweep.check(connection, now, NOW.toEpochMilli());
        assertThat(closed.get()).isNull();
        connection.refreshPrincipal(principal(NOW.plusSeconds(60)));
        sweep.check(connection, now, NOW.plusSeconds(2).toEpochMilli());
        assertThat(closed.get()).as("a refreshed token, its deadline not yet re-armed").isNull();
        Connection expired = connection(NOW.minusSeconds(31));
        expiry.watch(expired);
        sweep.check(expired, now, NOW.toEpochMilli());
        assertThat(closed.get()).isEqualTo(CloseCode.POLICY_VIOLATION);
    }

    @Test
    void aClosedConnectionGetsNoMorePings() {
        Connection connection = connection(NOW.plusSeconds(3600));
        long start = System.nanoTime();
        connection.pingOver(socket, start);
        connection.close(CloseCode.GOING_AWAY);
        sweep.check(connection, start + seconds(1), NOW.toEpochMilli());
        assertThat((Object) socket.readOutbound()).isNull();
    }

    @Test
    void theTickIsATenthOfTheShortestDeadlineWithinBounds() {
        assertThat(ConnectionSweep.tickFor(Duration.ofSeconds(25), Duration.ofSeconds(20), Duration.ofSeconds(30)))
                .isEqualTo(Duration.ofMillis(250));
        assertThat(ConnectionSweep.tickFor(Duration.ofMillis(300), Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(30));
        assertThat(ConnectionSweep.tickFor(Duration.ofMillis(20))).isEqualTo(Duration.ofMillis(10));
    }

    private Connection connection(Instant expiresAt) {
        return new Connection("c-" + System.nanoTime(), principal(expiresAt), new Outbox(16, 0),
                (connection, code) -> closed.compareAndSet(null, code), ConnectionEvents.NONE);
    }

    private static UserPrincipal principal(Instant expiresAt) {
        return new UserPrincipal("user", null, null, RoomAccess.of(List.of("*")), expiresAt);
    }

    private static long seconds(long seconds) {
        return Duration.ofSeconds(seconds).toNanos();
    }
}
