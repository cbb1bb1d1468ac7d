package dev.signalgate.gateway.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;

import dev.signalgate.gateway.room.Presence;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Presence over Redis: one hash per room, {@code sg:presence:<kind>:<room>}, with a field {@code <node>|<user>}
 * for each user present on each node. A node writes the field for a user's first connection there and removes it
 * for the last. Fields of a node whose liveness key {@code sg:node:<node>} has expired (the node died: its
 * heartbeat stopped) count for nothing, and the {@link #sweep sweep} run by every node's heartbeat removes them
 * and reports the users who thereby left.
 *
 * <p>Each operation is one Lua script, so a capacity check and the seat it grants are atomic across nodes. The
 * scripts read liveness keys they are not passed as {@code KEYS}: fine on a standalone or replicated Redis, not on
 * Redis Cluster.
 *
 * <p>When Redis cannot answer within {@code timeout}, answers fall back to what this node knows (its own members,
 * and "first"/"last" as seen here), so local members keep being served.
 */
public final class RedisPresence implements Presence {

    private static final String LIVE = """
            local function live(n) return n == ARGV[1] or redis.call('EXISTS', 'sg:node:' .. n) == 1 end
            local function split(f) local s = string.find(f, '|', 1, true)
              return string.sub(f, 1, s - 1), string.sub(f, s + 1) end
            """;

    private static final String JOIN = LIVE + """
            local order, seen, others = {}, {}, 0
            for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
              local n, u = split(f)
              if live(n) then
                if not seen[u] then seen[u] = true; table.insert(order, u) end
                if u == ARGV[2] and n ~= ARGV[1] then others = 1 end
              end
            end
            local cap = tonumber(ARGV[3])
            if cap > 0 and not seen[ARGV[2]] and #order >= cap then return {-1, order} end
            redis.call('HSET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 1)
            if not seen[ARGV[2]] then table.insert(order, ARGV[2]) end
            return {1 - others, order}
            """;

    private static final String LEAVE = LIVE + """
            redis.call('HDEL', KEYS[1], ARGV[1] .. '|' .. ARGV[2])
            for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
              local n, u = split(f)
              if u == ARGV[2] and live(n) then return 0 end
            end
            return 1
            """;

    private static final String MEMBERS = LIVE + """
            local order, seen = {}, {}
            for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
              local n, u = split(f)
              if live(n) and not seen[u] then seen[u] = true; table.insert(order, u) end
            end
            return order
            """;

    private static final String PRESENT = LIVE + """
            for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
              local n, u = split(f)
              if u == ARGV[2] and n ~= ARGV[1] and live(n) then return 1 end
            end
            return 0
            """;

    /** Removes dead nodes' fields; answers the users no live node holds any more. */
    private static final String SWEEP = LIVE + """
            local dropped = {}
            for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
              local n, u = split(f)
              if not live(n) then redis.call('HDEL', KEYS[1], f); table.insert(dropped, u) end
            end
            local gone = {}
            for _, u in ipairs(dropped) do
              local still = false
              for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
                local n, v = split(f)
                if v == u then still = true end
              end
              if not still then table.insert(gone, u) end
            end
            return gone
            """;

    private final String node;
    private final RedisAsyncCommands<String, String> redis;
    private final Duration timeout;
    private final java.util.Set<Entry> unsyncedLeaves = java.util.concurrent.ConcurrentHashMap.newKeySet();

    RedisPresence(String node, RedisAsyncCommands<String, String> redis, Duration timeout) {
        this.node = node;
        this.redis = redis;
        this.timeout = timeout;
    }

    @Override
    public Mono<Joined> joined(String kind, String room, String user, List<String> local, int capacity) {
        return this.<List<Object>>eval(JOIN, ScriptOutputType.MULTI, key(kind, room), user,
                        Integer.toString(Math.max(capacity, 0)))
                .map(answer -> {
                    long status = (Long) answer.get(0);
                    List<String> members = strings(answer.get(1));
                    return new Joined(status == 1, status < 0, members);
                })
                .onErrorResume(failure -> Mono.just(new Joined(true, false, local)));
    }

    @Override
    public Mono<Boolean> left(String kind, String room, String user) {
        return this.<Long>eval(LEAVE, ScriptOutputType.INTEGER, key(kind, room), user)
                .map(gone -> gone == 1)
                .onErrorResume(failure -> {
                    // Removed once Redis is back (retryLeaves), or the entry would outlive the user.
                    unsyncedLeaves.add(new Entry(kind, room, user));
                    return Mono.just(true);
                });
    }

    /** Removes the entries of users who left while Redis was unreachable; run before {@link #restore}. */
    Mono<Void> retryLeaves() {
        return Flux.fromIterable(List.copyOf(unsyncedLeaves))
                .concatMap(entry -> this.<Long>eval(LEAVE, ScriptOutputType.INTEGER, key(entry.kind(), entry.room()),
                                entry.user())
                        .doOnNext(done -> unsyncedLeaves.remove(entry))
                        .onErrorResume(failure -> Mono.empty()))
                .then();
    }

    private record Entry(String kind, String room, String user) {
    }

    @Override
    public Mono<List<String>> members(String kind, String room, List<String> local) {
        return this.<List<Object>>eval(MEMBERS, ScriptOutputType.MULTI, key(kind, room))
                .map(RedisPresence::strings)
                .onErrorResume(failure -> Mono.just(local));
    }

    @Override
    public Mono<Boolean> isPresent(String kind, String room, String user) {
        return this.<Long>eval(PRESENT, ScriptOutputType.INTEGER, key(kind, room), user)
                .map(found -> found == 1)
                .onErrorResume(failure -> Mono.just(false));
    }

    /** Removes the entries of dead nodes from the room; answers the users who are thereby gone from it. */
    Mono<List<String>> sweep(String kind, String room) {
        return this.<List<Object>>eval(SWEEP, ScriptOutputType.MULTI, key(kind, room))
                .map(RedisPresence::strings)
                .onErrorResume(failure -> Mono.just(List.of()));
    }

    /** Writes this node's entry for a user again (after Redis lost its data). */
    Mono<Void> restore(String kind, String room, String user) {
        return Mono.fromCompletionStage(redis.hset(key(kind, room), node + "|" + user, "1"))
                .timeout(timeout)
                .onErrorResume(failure -> Mono.empty())
                .then();
    }

    private <T> Mono<T> eval(String script, ScriptOutputType type, String key, String... args) {
        String[] values = new String[args.length + 1];
        values[0] = node;
        System.arraycopy(args, 0, values, 1, args.length);
        // EVAL each time: the scripts are small, and EVALSHA would need a reload after a Redis restart.
        return Mono.defer(() -> Mono.fromCompletionStage(redis.<T>eval(script, type, new String[] {key}, values)))
                .timeout(timeout);
    }

    static String key(String kind, String room) {
        return "sg:presence:" + kind + ":" + room;
    }

    private static List<String> strings(Object list) {
        List<String> result = new ArrayList<>();
        if (list instanceof List<?> items) {
            for (Object item : items) {
                result.add(String.valueOf(item));
            }
        }
        return result;
    }
}
