package dev.signalgate.gateway.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.room.Delivery;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.gateway.room.RoomBroker;
import reactor.core.publisher.Mono;

/**
 * Room traffic between nodes over Redis pub/sub: one channel per room ({@code sg:room:<kind>:<room>}), which a
 * node subscribes to while the room has members on it, and only then. Sharded pub/sub ({@code SSUBSCRIBE},
 * {@code SPUBLISH}) when the server has it (Redis 7 and later), classic pub/sub otherwise.
 *
 * <p>Each delivery is published once, as the frame bytes already encoded for the local members plus its routing
 * fields ({@link RemoteDelivery}); receiving nodes hand it to their hub without decoding the frame. A node skips
 * its own messages, which it delivered locally before publishing.
 *
 * <p>A channel is subscribed while anything holds it: the room's members on this node, and joins waiting for it
 * ({@link #hold}). Joins wait for Redis to confirm the subscription ({@link #confirmed}), within the cluster
 * timeout, so that nothing another node publishes after the join ack is missed.
 *
 * <p>While Redis is unreachable publishing fails fast and the room keeps serving its local members; new joins
 * are answered {@code unavailable}, since this node cannot hear the other nodes. On reconnect {@link ClusterNode}
 * subscribes every active room again and tells local members they may have missed traffic.
 */
public final class RedisRoomBroker implements RoomBroker {

    private static final Logger log = LoggerFactory.getLogger(RedisRoomBroker.class);

    private final String node;
    private final boolean sharded;
    private final StatefulRedisPubSubConnection<byte[], byte[]> subscriptions;
    private final RedisAsyncCommands<byte[], byte[]> publisher;
    private final Function<String, Connection> connections;
    private final Map<String, Hub> hubs = new ConcurrentHashMap<>();
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final Duration timeout;

    /** One subscribed channel: how many hold it, and whether Redis confirmed the current subscription. */
    private static final class Channel {
        int holders;
        volatile CompletableFuture<Void> confirmed;

        Channel(CompletableFuture<Void> confirmed) {
            this.confirmed = confirmed;
        }
    }

    /**
     * @param timeout how long a join waits for Redis to confirm a room's subscription before it is answered
     *     {@code unavailable}
     */
    RedisRoomBroker(String node, boolean sharded, StatefulRedisPubSubConnection<byte[], byte[]> subscriptions,
            RedisAsyncCommands<byte[], byte[]> publisher, Function<String, Connection> connections,
            Duration timeout) {
        this.node = node;
        this.timeout = timeout;
        this.sharded = sharded;
        this.subscriptions = subscriptions;
        this.publisher = publisher;
        this.connections = connections;
        subscriptions.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                receive(message);
            }

            @Override
            public void smessage(byte[] shardChannel, byte[] message) {
                receive(message);
            }
        });
    }

    /** Whether rooms travel over sharded pub/sub. */
    public boolean sharded() {
        return sharded;
    }

    @Override
    public void attach(Hub hub) {
        hubs.put(hub.kind(), hub);
    }

    @Override
    public void roomActive(Hub hub, String room) {
        hold(channel(hub.kind(), room));
    }

    @Override
    public void roomReleased(Hub hub, String room) {
        release(channel(hub.kind(), room));
    }

    @Override
    public Mono<Void> confirmed(Hub hub, String room) {
        return Mono.defer(() -> {
            Channel held = channels.computeIfPresent(channel(hub.kind(), room), this::retryIfFailed);
            return held == null ? Mono.empty() : Mono.fromFuture(held.confirmed, true).timeout(timeout);
        });
    }

    @Override
    public Mono<Runnable> hold(Hub hub, String room) {
        return Mono.defer(() -> {
            String channel = channel(hub.kind(), room);
            CompletableFuture<Void> confirmed = hold(channel);
            AtomicBoolean released = new AtomicBoolean();
            Runnable release = () -> {
                if (released.compareAndSet(false, true)) {
                    release(channel);
                }
            };
            return Mono.fromFuture(confirmed, true).timeout(timeout)
                    .doOnError(failure -> release.run())
                    .doOnCancel(release)
                    .thenReturn(release);
        });
    }

    /** Takes a hold on the channel, subscribing when it is the first; answers the subscription's confirmation. */
    private CompletableFuture<Void> hold(String channel) {
        return channels.compute(channel, (name, held) -> {
            Channel current = held == null ? new Channel(subscribe(name)) : retryIfFailed(name, held);
            current.holders++;
            return current;
        }).confirmed;
    }

    /** A subscription Redis refused or could not take is tried again by the next join, not kept failed. */
    private Channel retryIfFailed(String channel, Channel held) {
        if (held.confirmed.isCompletedExceptionally()) {
            held.confirmed = subscribe(channel);
        }
        return held;
    }

    private void release(String channel) {
        channels.computeIfPresent(channel, (name, held) -> {
            if (--held.holders > 0) {
                return held;
            }
            byte[] key = bytes(name);
            RedisPubSubAsyncCommands<byte[], byte[]> commands = subscriptions.async();
            (sharded ? commands.sunsubscribe(key) : commands.unsubscribe(key))
                    .exceptionally(failure -> null);
            return null;
        });
    }

    /**
     * Redis went away, and the subscriptions with it: joins wait (and time out) until {@link #resubscribeAll}
     * has them confirmed again.
     */
    void disconnected() {
        for (Channel held : channels.values()) {
            if (held.confirmed.isDone()) {
                held.confirmed = new CompletableFuture<>();
            }
        }
    }

    @Override
    public void publish(Hub hub, String room, Delivery delivery) {
        byte[] message = new RemoteDelivery(node, hub.kind(), room, delivery).encode();
        byte[] channel = bytes(channel(hub.kind(), room));
        (sharded ? publisher.spublish(channel, message) : publisher.publish(channel, message))
                .exceptionally(failure -> {
                    log.debug("cluster publish to {} failed: {}", room, failure.toString());
                    return null;
                });
    }

    /**
     * Subscribes every active room again (after Redis came back). Completes when Redis has confirmed every
     * subscription (or refused it): only then does a frame published by another node reach this one.
     */
    CompletableFuture<Void> resubscribeAll() {
        return CompletableFuture.allOf(channels.keySet().stream().map(channel -> subscribe(channel)
                .whenComplete((confirmed, failure) -> {
                    Channel held = channels.get(channel);
                    if (held != null && failure == null) {
                        held.confirmed.complete(null);
                    } else if (held != null) {
                        held.confirmed.completeExceptionally(failure);
                    }
                })
                .exceptionally(failure -> null)).toArray(CompletableFuture[]::new));
    }

    /** Channels subscribed to, for stats and tests. */
    int activeRooms() {
        return channels.size();
    }

    /** Completes when Redis confirmed the subscription; fails when it refused it or could not be reached. */
    private CompletableFuture<Void> subscribe(String channel) {
        byte[] key = bytes(channel);
        RedisPubSubAsyncCommands<byte[], byte[]> commands = subscriptions.async();
        return (sharded ? commands.ssubscribe(key) : commands.subscribe(key))
                .toCompletableFuture()
                .<Void>thenApply(confirmed -> null)
                .whenComplete((confirmed, failure) -> {
                    if (failure != null) {
                        log.debug("cluster subscribe to {} failed (joins answer unavailable; resubscribed on"
                                + " reconnect): {}", channel, failure.toString());
                    }
                });
    }

    private void receive(byte[] message) {
        RemoteDelivery remote;
        try {
            remote = RemoteDelivery.decode(message, connections);
        } catch (RuntimeException unreadable) {
            log.warn("dropped an unreadable cluster message: {}", unreadable.toString());
            return;
        }
        if (node.equals(remote.node())) {
            return;
        }
        Hub hub = hubs.get(remote.kind());
        if (hub != null) {
            hub.deliverRemote(remote.room(), remote.delivery());
        }
    }

    static String channel(String kind, String room) {
        return "sg:room:" + kind + ":" + room;
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
