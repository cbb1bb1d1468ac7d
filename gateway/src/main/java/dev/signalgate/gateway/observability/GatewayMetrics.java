package dev.signalgate.gateway.observability;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.connection.ConnectionRegistry;
import dev.signalgate.gateway.connection.Frame;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.protocol.CloseCode;
import dev.signalgate.protocol.Direction;
import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.EventType;

/**
 * The gateway's traffic as Micrometer meters, fed by the {@link GatewayObserver} events. Names below are
 * Micrometer's; Prometheus shows them with underscores, {@code _total} on counters and {@code _seconds} on timers.
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>kind</th><th>tags</th></tr>
 * <tr><td>{@code signalgate.connections}, {@code signalgate.users}</td><td>gauge</td><td>-</td></tr>
 * <tr><td>{@code signalgate.transport.connections}</td><td>gauge</td><td>{@code transport}: websocket, http</td></tr>
 * <tr><td>{@code signalgate.rooms}</td><td>gauge</td><td>{@code kind}: chat, call</td></tr>
 * <tr><td>{@code signalgate.connections.opened}</td><td>counter</td><td>-</td></tr>
 * <tr><td>{@code signalgate.connections.closed}</td><td>counter</td><td>{@code code}: 1000 … 4029, or
 * {@code client} when the client closed or the network dropped</td></tr>
 * <tr><td>{@code signalgate.slow.consumer.closes}</td><td>counter</td><td>-</td></tr>
 * <tr><td>{@code signalgate.handshake.refused}</td><td>counter</td><td>{@code status}</td></tr>
 * <tr><td>{@code signalgate.frames.in}</td><td>counter</td><td>{@code type}: a client type, or {@code invalid}
 * (undecodable), or {@code other}</td></tr>
 * <tr><td>{@code signalgate.frames.out}</td><td>counter</td><td>{@code type}: a server type, {@code event} for every
 * backend event type, or {@code other}. One per recipient: these are the deliveries</td></tr>
 * <tr><td>{@code signalgate.frames.dropped}</td><td>counter</td><td>{@code reason}: ephemeral, overflow</td></tr>
 * <tr><td>{@code signalgate.frames.refused}</td><td>counter</td><td>{@code code}: the error code</td></tr>
 * <tr><td>{@code signalgate.message.relay}</td><td>timer (histogram)</td><td>- : frame received to optimistic
 * relay queued</td></tr>
 * <tr><td>{@code signalgate.message.confirm}</td><td>timer (histogram)</td><td>- : frame received to
 * {@code chat:confirmed} published</td></tr>
 * <tr><td>{@code signalgate.messages.failed}</td><td>counter</td><td>{@code code}</td></tr>
 * <tr><td>{@code signalgate.events.published}</td><td>counter</td><td>{@code persisted}: true, false</td></tr>
 * <tr><td>{@code signalgate.events.delivered}</td><td>counter</td><td>- : connections reached by backend
 * events</td></tr>
 * </table>
 *
 * <p>Hot path: {@link #frameQueued} runs once per member of every fan-out. It looks its counter up in a map built
 * up front (one entry per known type) and allocates nothing; a type the map does not know (a backend event) falls
 * to a single {@code event} counter, so free-form types never grow the tag space.
 */
public final class GatewayMetrics implements GatewayObserver {

    static final String OTHER = "other";
    static final String INVALID = "invalid";
    static final String EVENT = "event";
    /** Every transport a connection may use: the HTTP fallback's name is its package's to own, written here once. */
    public static final List<String> TRANSPORTS = List.of(Connection.WEBSOCKET, "http");

    private final Map<String, Counter> framesIn = new ConcurrentHashMap<>();
    private final Counter framesInInvalid;
    private final Counter framesInOther;
    private final Map<String, Counter> framesOut = new ConcurrentHashMap<>();
    private final Counter framesOutEvent;
    private final Counter framesOutOther;
    private final Counter droppedEphemeral;
    private final Counter droppedOverflow;
    private final Counter droppedOther;
    private final Map<ErrorCode, Counter> refused = new EnumMap<>(ErrorCode.class);
    private final Map<ErrorCode, Counter> messagesFailed = new EnumMap<>(ErrorCode.class);
    private final Map<CloseCode, Counter> closedBy = new EnumMap<>(CloseCode.class);
    private final Counter closedByClient;
    private final Counter slowConsumerCloses;
    private final Counter opened;
    private final Map<Integer, Counter> handshakeRefused = new ConcurrentHashMap<>();
    private final Timer relay;
    private final Timer confirm;
    private final Counter eventsPublished;
    private final Counter eventsPersisted;
    private final Counter eventsDelivered;
    private final MeterRegistry registry;

    public GatewayMetrics(MeterRegistry registry, ConnectionRegistry connections, Hub chatRooms, Hub calls) {
        this.registry = registry;
        Gauge.builder("signalgate.connections", connections, ConnectionRegistry::connectionCount)
                .description("Open WebSocket connections on this node").strongReference(true).register(registry);
        Gauge.builder("signalgate.users", connections, ConnectionRegistry::userCount)
                .description("Users with at least one connection on this node").strongReference(true)
                .register(registry);
        for (String transport : TRANSPORTS) {
            Gauge.builder("signalgate.transport.connections", connections, open -> open.connectionCount(transport))
                    .tag("transport", transport).description("Open connections on this node, by transport")
                    .strongReference(true).register(registry);
        }
        for (Hub hub : new Hub[] {chatRooms, calls}) {
            Gauge.builder("signalgate.rooms", hub, Hub::roomCount).tag("kind", hub.kind())
                    .description("Chat rooms (kind=chat) and calls (kind=call) with members on this node")
                    .strongReference(true).register(registry);
        }

        for (EventType type : EventType.values()) {
            if (type.direction() != Direction.SERVER_TO_CLIENT) {
                framesIn.put(type.wireName(), framesIn(type.wireName()));
            }
            if (type.direction() != Direction.CLIENT_TO_SERVER) {
                framesOut.put(type.wireName(), framesOut(type.wireName()));
            }
        }
        framesInInvalid = framesIn(INVALID);
        framesInOther = framesIn(OTHER);
        framesOutEvent = framesOut(EVENT);
        framesOutOther = framesOut(OTHER);

        droppedEphemeral = dropped("ephemeral");
        droppedOverflow = dropped("overflow");
        droppedOther = dropped(OTHER);
        for (ErrorCode code : ErrorCode.values()) {
            refused.put(code, Counter.builder("signalgate.frames.refused").tag("code", code.wireName())
                    .description("Client frames answered with an error, by error code").register(registry));
            messagesFailed.put(code, Counter.builder("signalgate.messages.failed").tag("code", code.wireName())
                    .description("Chat messages answered with chat:failed, by code").register(registry));
        }
        for (CloseCode code : CloseCode.values()) {
            closedBy.put(code, closed(Integer.toString(code.code())));
        }
        closedByClient = closed("client");
        slowConsumerCloses = Counter.builder("signalgate.slow.consumer.closes")
                .description("Connections closed with 4008 because their outbound queue overflowed")
                .register(registry);
        opened = Counter.builder("signalgate.connections.opened").description("WebSocket connections accepted")
                .register(registry);
        for (int status : new int[] {401, 403, 503}) {
            handshakeRefused.put(status, handshakeRefusedCounter(status));
        }
        relay = Timer.builder("signalgate.message.relay")
                .description("chat:send_message received to chat:message queued for the room (optimistic relay)")
                .publishPercentileHistogram().register(registry);
        confirm = Timer.builder("signalgate.message.confirm")
                .description("chat:send_message received to chat:confirmed published (durable)")
                .publishPercentileHistogram().register(registry);
        eventsPublished = events("false");
        eventsPersisted = events("true");
        eventsDelivered = Counter.builder("signalgate.events.delivered")
                .description("Connections reached by backend events published over HTTP").register(registry);
    }

    /** A backend event was published over HTTP and reached {@code delivered} connections on this node. */
    public void eventPublished(boolean persisted, int delivered) {
        (persisted ? eventsPersisted : eventsPublished).increment();
        eventsDelivered.increment(delivered);
    }

    @Override
    public void connectionOpened(Connection connection) {
        opened.increment();
    }

    @Override
    public void connectionClosed(Connection connection) {
        CloseCode code = connection.closeCode();
        if (code == null) {
            closedByClient.increment();
            return;
        }
        closedBy.get(code).increment();
        if (code == CloseCode.SLOW_CONSUMER) {
            slowConsumerCloses.increment();
        }
    }

    @Override
    public void handshakeRefused(int status) {
        Counter counter = handshakeRefused.get(status);
        if (counter == null) {
            // Statuses are three-digit numbers, so the tag space stays bounded even here.
            counter = handshakeRefused.computeIfAbsent(status, this::handshakeRefusedCounter);
        }
        counter.increment();
    }

    @Override
    public void frameReceived(Connection connection, String type) {
        if (type == null) {
            framesInInvalid.increment();
            return;
        }
        Counter counter = framesIn.get(type);
        (counter == null ? framesInOther : counter).increment();
    }

    @Override
    public void frameRefused(Connection connection, String type, ErrorCode code) {
        refused.get(code).increment();
    }

    @Override
    public void frameQueued(Connection connection, Frame frame) {
        Counter counter = framesOut.get(frame.type());
        if (counter == null) {
            counter = frame.type().indexOf(':') > 0 ? framesOutEvent : framesOutOther;
        }
        counter.increment();
    }

    @Override
    public void frameDropped(Connection connection, Frame frame, String reason) {
        switch (reason) {
            case "ephemeral" -> droppedEphemeral.increment();
            case "overflow" -> droppedOverflow.increment();
            default -> droppedOther.increment();
        }
    }

    @Override
    public void messageRelayed(String room, Duration sinceReceived) {
        relay.record(sinceReceived);
    }

    @Override
    public void messageConfirmed(String room, Duration sinceReceived) {
        confirm.record(sinceReceived);
    }

    @Override
    public void messageFailed(String room, ErrorCode code) {
        messagesFailed.get(code).increment();
    }

    private Counter events(String persisted) {
        return Counter.builder("signalgate.events.published").tag("persisted", persisted)
                .description("Backend events published over HTTP, stored in the room's history or not")
                .register(registry);
    }

    private Counter framesIn(String type) {
        return Counter.builder("signalgate.frames.in").tag("type", type)
                .description("Client frames received, by type").register(registry);
    }

    private Counter framesOut(String type) {
        return Counter.builder("signalgate.frames.out").tag("type", type)
                .description("Frames queued for a connection, by type: one per recipient of a fan-out")
                .register(registry);
    }

    private Counter dropped(String reason) {
        return Counter.builder("signalgate.frames.dropped").tag("reason", reason)
                .description("Frames not queued for a connection: ephemeral (backed up) or overflow (closed 4008)")
                .register(registry);
    }

    private Counter closed(String code) {
        return Counter.builder("signalgate.connections.closed").tag("code", code)
                .description("Connections ended, by the gateway's close code or 'client'").register(registry);
    }

    private Counter handshakeRefusedCounter(int status) {
        return Counter.builder("signalgate.handshake.refused").tag("status", Integer.toString(status))
                .description("WebSocket upgrades refused before any socket opened, by HTTP status")
                .register(registry);
    }
}
