package dev.signalgate.gateway.webrtc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.EventType;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * Pushes fresh TURN credentials ({@code webrtc:ice_servers}) to each connection in a call before the ones it
 * has expire, every {@link IceServers#refreshEvery()}, so a call longer than the credentials' lifetime can still
 * restart ICE through TURN. One Reactor timer per connection and call, on the given scheduler; nothing blocks.
 * Started when a connection enters a call, stopped when it leaves it or disconnects. Does nothing when no TURN
 * credentials are minted.
 */
final class IceRefresh {

    private final IceServers servers;
    private final Replies replies;
    private final Scheduler scheduler;
    private final Map<Connection, Map<String, Disposable>> timers = new ConcurrentHashMap<>();

    IceRefresh(IceServers servers, Replies replies, Scheduler scheduler) {
        this.servers = servers;
        this.replies = replies;
        this.scheduler = scheduler;
    }

    /** Starts (or restarts) the refresh of {@code connection}'s credentials for the call of {@code room}. */
    void start(Connection connection, String room) {
        if (!servers.mintsCredentials()) {
            return;
        }
        var every = servers.refreshEvery();
        Disposable timer = Flux.interval(every, every, scheduler).subscribe(tick -> push(connection, room));
        Disposable previous = timers.computeIfAbsent(connection, c -> new ConcurrentHashMap<>()).put(room, timer);
        if (previous != null) {
            previous.dispose();
        }
    }

    void stop(Connection connection, String room) {
        Map<String, Disposable> rooms = timers.get(connection);
        if (rooms == null) {
            return;
        }
        Disposable timer = rooms.remove(room);
        if (timer != null) {
            timer.dispose();
        }
        timers.computeIfPresent(connection, (c, left) -> left.isEmpty() ? null : left);
    }

    void stopAll(Connection connection) {
        Map<String, Disposable> rooms = timers.remove(connection);
        if (rooms != null) {
            rooms.values().forEach(Disposable::dispose);
        }
    }

    /** Connections with a running refresh, for tests. */
    int running() {
        return timers.values().stream().mapToInt(Map::size).sum();
    }

    private void push(Connection connection, String room) {
        var data = Replies.object();
        data.set("iceServers", servers.forUser(connection.userId()));
        connection.send(replies.encode(Envelope.event(EventType.WEBRTC_ICE_SERVERS, room, null, data)));
    }
}
