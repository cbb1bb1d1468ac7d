package dev.signalgate.gateway.connection;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.gateway.observe.GatewayEvents;
import dev.signalgate.protocol.CloseCode;

/**
 * One WebSocket connection of one user: who it is, what it joined, and its {@link Outbox}.
 *
 * <p>Everything here is safe to call from any thread. Sending never blocks: a frame goes into the outbox, and an
 * outbox that overflows closes this connection with {@link CloseCode#SLOW_CONSUMER}.
 */
public final class Connection {

    private final String id;
    private volatile UserPrincipal principal;
    private final Outbox outbox;
    private final BiConsumer<Connection, CloseCode> closer;
    private final GatewayEvents events;
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
    private final Set<String> calls = ConcurrentHashMap.newKeySet();
    private volatile CloseCode closeCode;

    /**
     * @param closer closes the socket with a code; called at most once per connection
     * @param events told of every frame queued or dropped
     */
    public Connection(String id, UserPrincipal principal, Outbox outbox, BiConsumer<Connection, CloseCode> closer,
            GatewayEvents events) {
        this.id = id;
        this.principal = principal;
        this.outbox = outbox;
        this.closer = closer;
        this.events = events;
    }

    public String id() {
        return id;
    }

    public UserPrincipal principal() {
        return principal;
    }

    public String userId() {
        return principal.userId();
    }

    /** Replaces the principal after a token refresh; the user id never changes within a connection. */
    public void refreshPrincipal(UserPrincipal refreshed) {
        if (!refreshed.userId().equals(principal.userId())) {
            throw new IllegalArgumentException("a refreshed token must keep the same sub");
        }
        this.principal = refreshed;
    }

    public Outbox outbox() {
        return outbox;
    }

    /** Chat rooms this connection joined. */
    public Set<String> rooms() {
        return rooms;
    }

    /** Calls this connection joined. */
    public Set<String> calls() {
        return calls;
    }

    /** Queues a frame for this connection; closes it with 4008 if its queue overflows. */
    public Outbox.Offer send(Frame frame) {
        Outbox.Offer result = outbox.offer(frame);
        switch (result) {
            case QUEUED -> events.frameQueued(this, frame);
            case DROPPED_EPHEMERAL -> events.frameDropped(this, frame, "ephemeral");
            case OVERFLOW -> {
                events.frameDropped(this, frame, "overflow");
                close(CloseCode.SLOW_CONSUMER);
            }
            case CLOSED -> {
                // The connection is going away; nothing left to tell.
            }
        }
        return result;
    }

    /** Closes the connection with {@code code}; later calls do nothing. */
    public void close(CloseCode code) {
        synchronized (this) {
            if (closeCode != null) {
                return;
            }
            closeCode = code;
        }
        closer.accept(this, code);
    }

    /** The code the gateway closed this connection with, or null while open or when the client closed it. */
    public CloseCode closeCode() {
        return closeCode;
    }

    @Override
    public String toString() {
        return "Connection[" + id + ", user=" + principal.userId() + "]";
    }
}
