package dev.signalgate.gateway.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalgate.gateway.control.LocalMemberRemoval;
import dev.signalgate.gateway.control.MemberRemoval;
import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.ProtocolException;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * {@link MemberRemoval} across the cluster: the node that got the request removes the user from its own
 * connections, publishes the removal on {@code sg:removals} (which every node subscribes to from its start) and
 * sums the counts the other nodes answer on its own reply channel, {@code sg:removals:reply:<node>}. It waits
 * for as many answers as Redis says received the removal, within the cluster timeout; a removal that does not
 * reach Redis, or whose answers do not all arrive, fails with {@code unavailable} (the caller may repeat it: a
 * second removal finds nothing more to remove).
 *
 * <p>Its own pub/sub connection, so that removals never pass through the rooms' delivery path.
 */
public final class ClusterRemoval implements MemberRemoval, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterRemoval.class);
    static final String CHANNEL = "sg:removals";

    private final String node;
    private final LocalMemberRemoval local;
    private final Clock clock;
    private final Duration timeout;
    private final StatefulRedisPubSubConnection<String, String> subscriptions;
    private final StatefulRedisConnection<String, String> publishing;
    private final Map<String, Answers> pending = new ConcurrentHashMap<>();

    ClusterRemoval(String node, RedisClient client, LocalMemberRemoval local, Clock clock, Duration timeout) {
        this.node = node;
        this.local = local;
        this.clock = clock;
        this.timeout = timeout;
        this.publishing = client.connect(StringCodec.UTF8);
        this.subscriptions = client.connectPubSub(StringCodec.UTF8);
        subscriptions.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                if (CHANNEL.equals(channel)) {
                    // Off the Redis event loop: leaving rooms publishes to Redis again.
                    Schedulers.boundedElastic().schedule(() -> removeRequested(message));
                } else {
                    answered(message);
                }
            }
        });
        subscriptions.sync().subscribe(CHANNEL, replyChannel(node));
    }

    @Override
    public Mono<Integer> remove(String room, String userId) {
        return Mono.defer(() -> {
            Instant at = clock.instant();
            int here = local.removeHere(room, userId, at);
            String request = UUID.randomUUID().toString();
            Answers answers = new Answers(here);
            pending.put(request, answers);
            String message = String.join("\n", node, request, Long.toString(at.toEpochMilli()), room, userId);
            return Mono.fromCompletionStage(publishing.async().publish(CHANNEL, message))
                    .flatMap(receivers -> {
                        // Redis counts this node among the receivers: it removed here already.
                        answers.expect(receivers - 1);
                        return answers.total.asMono();
                    })
                    .timeout(timeout)
                    .onErrorMap(failure -> {
                        log.warn("cluster removal from room {} did not reach every node: {}", room,
                                failure.toString());
                        return new ProtocolException(ErrorCode.UNAVAILABLE, "the removal reached this node ("
                                + here + " connections) but not every node of the cluster; send it again");
                    })
                    .doFinally(signal -> pending.remove(request));
        });
    }

    private void removeRequested(String message) {
        String[] fields = message.split("\n", 5);
        if (fields.length != 5 || node.equals(fields[0])) {
            return;
        }
        int count;
        try {
            count = local.removeHere(fields[3], fields[4], Instant.ofEpochMilli(Long.parseLong(fields[2])));
        } catch (RuntimeException failed) {
            log.warn("cluster removal could not be applied: {}", failed.toString());
            return;
        }
        publishing.async().publish(replyChannel(fields[0]), fields[1] + "\n" + count)
                .exceptionally(failure -> null);
    }

    private void answered(String message) {
        String[] fields = message.split("\n", 2);
        Answers answers = fields.length == 2 ? pending.get(fields[0]) : null;
        if (answers != null) {
            try {
                answers.add(Integer.parseInt(fields[1]));
            } catch (NumberFormatException unreadable) {
                log.warn("dropped an unreadable cluster removal answer");
            }
        }
    }

    static String replyChannel(String node) {
        return CHANNEL + ":reply:" + node;
    }

    @Override
    public void close() {
        subscriptions.close();
        publishing.close();
    }

    /** The counts of one removal; answers arriving before Redis said how many to expect are kept. */
    private static final class Answers {

        private final Sinks.One<Integer> total = Sinks.one();
        private int sum;
        private int received;
        private long expected = -1;

        Answers(int here) {
            this.sum = here;
        }

        synchronized void expect(long count) {
            expected = count;
            settle();
        }

        synchronized void add(int count) {
            sum += count;
            received++;
            settle();
        }

        private void settle() {
            if (expected >= 0 && received >= expected) {
                total.tryEmitValue(sum);
            }
        }
    }
}
