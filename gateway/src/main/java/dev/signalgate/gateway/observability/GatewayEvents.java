package dev.signalgate.gateway.observability;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalgate.gateway.auth.HandshakeRefusals;
import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.connection.ConnectionEvents;
import dev.signalgate.gateway.connection.Frame;
import dev.signalgate.protocol.ErrorCode;

/**
 * The one place the gateway reports what happens: every event goes to each {@link GatewayObserver}. A failing
 * observer is logged and skipped, never allowed to break the traffic it watches.
 */
public final class GatewayEvents implements ConnectionEvents, HandshakeRefusals {

    private static final Logger log = LoggerFactory.getLogger(GatewayEvents.class);
    private static final GatewayEvents NONE = new GatewayEvents(List.of());

    private final GatewayObserver[] observers;

    public GatewayEvents(List<GatewayObserver> observers) {
        this.observers = observers.toArray(GatewayObserver[]::new);
    }

    /** No observers: for unit tests and tools. */
    public static GatewayEvents none() {
        return NONE;
    }

    @Override
    public void connectionOpened(Connection connection) {
        each(observer -> observer.connectionOpened(connection));
    }

    @Override
    public void connectionClosed(Connection connection) {
        each(observer -> observer.connectionClosed(connection));
    }

    @Override
    public void handshakeRefused(int status) {
        each(observer -> observer.handshakeRefused(status));
    }

    public void frameReceived(Connection connection, String type) {
        each(observer -> observer.frameReceived(connection, type));
    }

    public void frameRefused(Connection connection, String type, ErrorCode code) {
        each(observer -> observer.frameRefused(connection, type, code));
    }

    /** Called once per member of every fan-out: a plain loop, no lambda to allocate. */
    @Override
    public void frameQueued(Connection connection, Frame frame) {
        for (GatewayObserver observer : observers) {
            try {
                observer.frameQueued(connection, frame);
            } catch (RuntimeException e) {
                log.warn("observer {} failed: {}", observer.getClass().getSimpleName(), e.toString());
            }
        }
    }

    @Override
    public void frameDropped(Connection connection, Frame frame, String reason) {
        each(observer -> observer.frameDropped(connection, frame, reason));
    }

    public void joined(Connection connection, String kind, String room, boolean firstOfUser) {
        each(observer -> observer.joined(connection, kind, room, firstOfUser));
    }

    public void left(Connection connection, String kind, String room, boolean lastOfUser) {
        each(observer -> observer.left(connection, kind, room, lastOfUser));
    }

    public void messageRelayed(String room, Duration sinceReceived) {
        each(observer -> observer.messageRelayed(room, sinceReceived));
    }

    public void messageConfirmed(String room, Duration sinceReceived) {
        each(observer -> observer.messageConfirmed(room, sinceReceived));
    }

    public void messageFailed(String room, ErrorCode code) {
        each(observer -> observer.messageFailed(room, code));
    }

    private void each(Consumer<GatewayObserver> call) {
        for (GatewayObserver observer : observers) {
            try {
                call.accept(observer);
            } catch (RuntimeException e) {
                log.warn("observer {} failed: {}", observer.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
