package dev.signalgate.gateway.transport.http;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;


import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.gateway.config.GatewayProperties;
import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.connection.ConnectionLifecycle;
import dev.signalgate.gateway.connection.ConnectionEvents;
import dev.signalgate.gateway.connection.ConnectionIds;
import dev.signalgate.gateway.connection.ConnectionRegistry;
import dev.signalgate.gateway.connection.Outbox;
import dev.signalgate.gateway.connection.RateLimiter;
import dev.signalgate.gateway.connection.TokenExpiry;
import dev.signalgate.gateway.dispatch.DisconnectListener;
import dev.signalgate.gateway.dispatch.Dispatcher;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.protocol.CloseCode;
import reactor.core.publisher.Mono;

/**
 * This node's HTTP sessions: opens them as the WebSocket endpoint opens a socket (registered, welcomed, limited,
 * watched for token expiry), and remembers how the recently ended ones ended, so that a late request learns the
 * close code instead of a bare 404.
 *
 * <p>An ended session stays readable for the idle timeout, so that a client whose stream dropped just before the
 * end still gets its last events and the {@code close} event; then only its close code is kept, for the last
 * {@value #REMEMBERED_ENDS} sessions.
 */
final class HttpSessions {

    static final int REMEMBERED_ENDS = 10_000;


    /** What an id names: an open (or just ended) session, the close code of an older one, or nothing. */
    record Lookup(HttpSession session, CloseCode ended) {
    }

    private final Map<String, HttpSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, CloseCode> ends = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CloseCode> eldest) {
            return size() > REMEMBERED_ENDS;
        }
    };
    private final Dispatcher dispatcher;
    private final GatewayProperties properties;
    private final HttpTransportProperties http;
    private final ConnectionEvents events;
    private final ConnectionLifecycle lifecycle;
    private volatile String idPrefix = "";

    HttpSessions(Dispatcher dispatcher, Replies replies, ConnectionRegistry registry,
            List<DisconnectListener> disconnectListeners, TokenExpiry tokenExpiry, GatewayProperties properties,
            HttpTransportProperties http, ConnectionEvents events) {
        this.dispatcher = dispatcher;
        this.properties = properties;
        this.http = http;
        this.events = events;
        this.lifecycle = new ConnectionLifecycle(registry, replies, tokenExpiry, properties.limits(),
                disconnectListeners, events);
    }

    /** Session ids start with {@code prefix}: in cluster mode, the node's id and a dot, so any node can route. */
    void idPrefix(String prefix) {
        this.idPrefix = prefix;
    }

    /** The longest a session may go without a reader: what a socket that stopped answering pings gets. */
    Duration idleTimeout() {
        GatewayProperties.Liveness liveness = properties.liveness();
        return liveness.pingInterval().plus(liveness.pingTimeout());
    }

    /** Opens a session for {@code principal}; its welcome is the first event of its buffer. */
    HttpSession open(UserPrincipal principal) {
        GatewayProperties.Limits limits = properties.limits();
        GatewayProperties.Outbound outbound = properties.outbound();
        Outbox outbox = new Outbox(outbound.queueCapacity(), outbound.ephemeralThreshold(),
                outbound.maxQueuedBytes().toBytes());
        HttpSession session = new HttpSession(idPrefix + ConnectionIds.next(), principal, outbox, events, dispatcher,
                http.dedupeWindow(), idleTimeout(), outbound.queueCapacity(), outbound.maxUnsentBytes().toBytes(),
                this::finished);
        Connection connection = session.connection();
        connection.rateLimiter(new RateLimiter(limits.ratePerSecond(), limits.rateBurst(), System.nanoTime()));
        sessions.put(session.id(), session);
        session.start();
        lifecycle.admit(connection, "http");
        return session;
    }

    Lookup find(String id) {
        HttpSession session = sessions.get(id);
        if (session != null) {
            return new Lookup(session, null);
        }
        synchronized (ends) {
            return new Lookup(null, ends.get(id));
        }
    }

    /** Open sessions on this node. */
    int size() {
        return sessions.size();
    }

    /** The session ended: it leaves every room and call now, and is forgotten after the idle timeout. */
    private void finished(HttpSession session) {
        lifecycle.release(session.connection(), "http");
        Mono.delay(idleTimeout()).subscribe(tick -> {
            synchronized (ends) {
                ends.put(session.id(), session.endCode());
            }
            sessions.remove(session.id());
        });
    }
}
