package dev.signalgate.gateway.cluster;

import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.control.LocalMemberRemoval;
import dev.signalgate.gateway.room.Hub;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * This node in the cluster: a random node id, the Redis connections (one for commands, one for publishing, one for
 * subscriptions), the heartbeat, and recovery.
 *
 * <p>Heartbeat: every {@code heartbeat} the node sets its liveness key {@code sg:node:<id>} to expire after
 * {@code expiry}, then sweeps the presence of the rooms it has members in: entries of nodes whose key expired are
 * removed, and each user thereby gone is announced once, cluster-wide, by the node that removed it
 * ({@code chat:user_left}, {@code webrtc:peer_left}). A node killed with SIGKILL thus leaves the rooms within
 * {@code expiry} plus one heartbeat.
 *
 * <p>Redis down: commands fail fast (Lettuce rejects them while disconnected), local members are served as if the
 * node were alone. When the subscription connection comes back the node writes its presence entries again (Redis
 * may have restarted empty), subscribes its active rooms again and, once Redis has confirmed them, sends each
 * local chat member an {@code error} {@code unavailable} frame per room it is in, telling it to re-join with
 * {@code since}.
 */
public final class ClusterNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);

    /** Announces that {@code user} left {@code room} (a dead node's user). */
    public interface Departures {
        void gone(Hub hub, String room, String user);
    }

    private final String id = UUID.randomUUID().toString().substring(0, 13);
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisConnection<byte[], byte[]> publishing;
    private final StatefulRedisPubSubConnection<byte[], byte[]> subscriptions;
    private final RedisRoomBroker broker;
    private final RedisPresence presence;
    private final Duration expiry;
    private final List<Hub> hubs;
    private final Departures departures;
    private final BiConsumer<Hub, String> missedTraffic;
    private final AtomicBoolean disconnected = new AtomicBoolean();
    private final Disposable heartbeat;

    /**
     * @param hubs the chat rooms and the calls, shared from now on
     * @param connections this node's connections by id
     * @param missedTraffic tells the local members of a room of that hub they may have missed traffic
     */
    public ClusterNode(String url, Duration heartbeatEvery, Duration expiry, Duration timeout, List<Hub> hubs,
            Function<String, Connection> connections, Departures departures, BiConsumer<Hub, String> missedTraffic) {
        this.expiry = expiry;
        this.hubs = hubs;
        this.departures = departures;
        this.missedTraffic = missedTraffic;
        // Reconnect attempts back off to 2 s at most (Lettuce's default goes to 30 s): members hear sooner that
        // Redis is back.
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, RedisURI.create(url));
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        this.commands = client.connect();
        this.publishing = client.connect(ByteArrayCodec.INSTANCE);
        this.subscriptions = client.connectPubSub(ByteArrayCodec.INSTANCE);
        boolean sharded = supportsShardedPubSub(commands.sync().info("server"));
        this.broker = new RedisRoomBroker(id, sharded, subscriptions, publishing.async(), connections, timeout);
        this.presence = new RedisPresence(id, commands.async(), timeout);
        beat().block(timeout);
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (connection == subscriptions && disconnected.compareAndSet(false, true)) {
                    broker.disconnected();
                    // Deliveries from other nodes may be missed from now on: joins read the store again.
                    hubs.forEach(Hub::forgetStoreViews);
                    log.warn("cluster: lost Redis; serving local members only until it is back");
                }
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (connection == subscriptions && disconnected.compareAndSet(true, false)) {
                    // Off the event loop: recovery issues commands on the connection that just came back.
                    Schedulers.boundedElastic().schedule(ClusterNode.this::recovered);
                }
            }
        });
        for (Hub hub : hubs) {
            hub.broker(broker);
        }
        this.heartbeat = Flux.interval(heartbeatEvery, heartbeatEvery, Schedulers.parallel())
                .concatMap(tick -> beat().then(sweepAll()).onErrorResume(failure -> Mono.empty()))
                .subscribe();
        log.info("cluster: node {} joined through Redis ({} pub/sub)", id, sharded ? "sharded" : "classic");
    }

    public String id() {
        return id;
    }

    public RedisRoomBroker broker() {
        return broker;
    }

    public RedisPresence presence() {
        return presence;
    }

    /** Removals of users from rooms across the cluster, on a pub/sub connection of their own. */
    ClusterRemoval removals(LocalMemberRemoval local, Clock clock, Duration timeout) {
        return new ClusterRemoval(id, client, local, clock, timeout);
    }

    /**
     * The node's Redis client, for a feature that needs pub/sub connections of its own (the HTTP transport's
     * forwarding): its connections share the node's reconnect policy. The node closes the client.
     */
    public RedisClient redisClient() {
        return client;
    }

    /** Whether the node currently reaches Redis. */
    public boolean connected() {
        return !disconnected.get() && subscriptions.isOpen();
    }

    static boolean supportsShardedPubSub(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("redis_version:")) {
                String version = line.substring("redis_version:".length()).trim();
                try {
                    return Integer.parseInt(version.split("\\.")[0]) >= 7;
                } catch (NumberFormatException odd) {
                    return false;
                }
            }
        }
        return false;
    }

    private Mono<Void> beat() {
        return Mono.defer(() -> Mono.fromCompletionStage(
                        commands.async().set("sg:node:" + id, "1", SetArgs.Builder.px(expiry.toMillis()))))
                .then();
    }

    private Mono<Void> sweepAll() {
        return Flux.fromIterable(hubs)
                .concatMap(hub -> Flux.fromIterable(hub.roomIds())
                        .concatMap(room -> presence.sweep(hub.kind(), room)
                                .doOnNext(gone -> gone.forEach(user -> departures.gone(hub, room, user)))))
                .then();
    }

    private void recovered() {
        log.info("cluster: Redis is back; restoring presence and subscriptions");
        try {
            beat().block(Duration.ofSeconds(5));
            presence.retryLeaves().block(Duration.ofSeconds(30));
            Flux.fromIterable(hubs)
                    .concatMap(hub -> Flux.fromIterable(hub.roomIds())
                            .concatMap(room -> Flux.fromIterable(hub.userIds(room))
                                    .concatMap(user -> presence.restore(hub.kind(), room, user))))
                    .then().block(Duration.ofSeconds(30));
        } catch (RuntimeException failure) {
            log.warn("cluster: restoring presence failed: {}", failure.toString());
        }
        try {
            // Members told to re-join before this node hears the room again could miss what follows.
            broker.resubscribeAll().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException failure) {
            log.warn("cluster: resubscribing took too long or failed: {}", failure.toString());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        for (Hub hub : hubs) {
            for (String room : hub.roomIds()) {
                missedTraffic.accept(hub, room);
            }
        }
    }

    /** Stops the heartbeat and closes the connections; the liveness key is removed so the node leaves at once. */
    @Override
    public void close() {
        heartbeat.dispose();
        try {
            commands.sync().del("sg:node:" + id);
        } catch (RuntimeException unreachable) {
            // It expires on its own.
        }
        subscriptions.close();
        publishing.close();
        commands.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    Map<String, Object> describe() {
        return Map.of("node", id, "sharded", broker.sharded(), "connected", connected());
    }
}
