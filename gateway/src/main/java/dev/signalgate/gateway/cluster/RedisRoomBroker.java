package dev.signalgate.gateway.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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

/**
 * Room traffic between nodes over Redis pub/sub: one channel per room ({@code sg:room:<kind>:<room>}), which a
 * node subscribes to while the room has members on it, and only then. Sharded pub/sub ({@code SSUBSCRIBE},
 * {@code SPUBLISH}) when the server has it (Redis 7 and later), classic pub/sub otherwise.
 *
 * <p>Each delivery is published once, as the frame bytes already encoded for the local members plus its routing
 * fields ({@link RemoteDelivery}); receiving nodes hand it to their hub without decoding the frame. A node skips
 * its own messages, which it delivered locally before publishing.
 *
 * <p>While Redis is unreachable publishing fails fast and the room keeps serving its local members; on reconnect
 * {@link ClusterNode} subscribes every active room again and tells local members they may have missed traffic.
 */
public final class RedisRoomBroker implements RoomBroker {

    private static final Logger log = LoggerFactory.getLogger(RedisRoomBroker.class);

    private final String node;
    private final boolean sharded;
    private final StatefulRedisPubSubConnection<byte[], byte[]> subscriptions;
    private final RedisAsyncCommands<byte[], byte[]> publisher;
    private final Function<String, Connection> connections;
    private final Map<String, Hub> hubs = new ConcurrentHashMap<>();
    private final Set<String> active = ConcurrentHashMap.newKeySet();

    RedisRoomBroker(String node, boolean sharded, StatefulRedisPubSubConnection<byte[], byte[]> subscriptions,
            RedisAsyncCommands<byte[], byte[]> publisher, Function<String, Connection> connections) {
        this.node = node;
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
        String channel = channel(hub.kind(), room);
        active.add(channel);
        subscribe(channel);
    }

    @Override
    public void roomReleased(Hub hub, String room) {
        String channel = channel(hub.kind(), room);
        active.remove(channel);
        byte[] key = bytes(channel);
        RedisPubSubAsyncCommands<byte[], byte[]> commands = subscriptions.async();
        (sharded ? commands.sunsubscribe(key) : commands.unsubscribe(key))
                .exceptionally(failure -> null);
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
        return CompletableFuture.allOf(active.stream().map(this::subscribe).toArray(CompletableFuture[]::new));
    }

    /** Channels subscribed to, for stats and tests. */
    int activeRooms() {
        return active.size();
    }

    private CompletableFuture<Void> subscribe(String channel) {
        byte[] key = bytes(channel);
        RedisPubSubAsyncCommands<byte[], byte[]> commands = subscriptions.async();
        return (sharded ? commands.ssubscribe(key) : commands.subscribe(key))
                .toCompletableFuture()
                .<Void>thenApply(confirmed -> null)
                .exceptionally(failure -> {
                    log.debug("cluster subscribe to {} failed (resubscribed on reconnect): {}", channel,
                            failure.toString());
                    return null;
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
