package dev.signalgate.persistence;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link MessageStore} for writer tests: numbers messages per room in memory, records every batch it
 * is asked to write, and lets a test decide how each call behaves (hang, fail, be slow).
 */
final class ScriptedStore implements MessageStore {

    /** What the n-th call (0-based) does with the correct answer; identity by default. */
    interface Script {
        Flux<StoredMessage> apply(int call, Flux<StoredMessage> answer);
    }

    private final Map<String, Long> lastSeqs = new HashMap<>();
    private final Map<IdempotencyKey, StoredMessage> byKey = new HashMap<>();
    private final List<List<NewMessage>> batches = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger writing = new AtomicInteger();
    private final AtomicInteger maxConcurrentWrites = new AtomicInteger();
    private volatile Script script = (call, answer) -> answer;

    ScriptedStore script(Script script) {
        this.script = script;
        return this;
    }

    static Script hangOnCall(int hangingCall) {
        return (call, answer) -> call == hangingCall ? Flux.never() : answer;
    }

    static Script failOnCall(int failingCall, RuntimeException error) {
        return (call, answer) -> call == failingCall ? Flux.error(error) : answer;
    }

    static Script delayEach(java.time.Duration delay) {
        return (call, answer) -> answer.delaySubscription(delay);
    }

    List<List<NewMessage>> batches() {
        return List.copyOf(batches);
    }

    int messagesWritten() {
        return batches().stream().mapToInt(List::size).sum();
    }

    int maxConcurrentWrites() {
        return maxConcurrentWrites.get();
    }

    @Override
    public Flux<StoredMessage> appendAll(List<NewMessage> batch) {
        return Flux.defer(() -> {
            int call = calls.getAndIncrement();
            batches.add(List.copyOf(batch));
            maxConcurrentWrites.accumulateAndGet(writing.incrementAndGet(), Math::max);
            Flux<StoredMessage> answer = Flux.defer(() -> Flux.fromIterable(store(batch)));
            // doOnTerminate runs before the writer hears of the end (doFinally would run after it started the next batch)
            return script.apply(call, answer).doOnTerminate(writing::decrementAndGet).doOnCancel(writing::decrementAndGet);
        });
    }

    private synchronized List<StoredMessage> store(List<NewMessage> batch) {
        List<StoredMessage> stored = new ArrayList<>(batch.size());
        for (NewMessage message : batch) {
            @Nullable IdempotencyKey key = message.idempotencyKey();
            StoredMessage existing = key == null ? null : byKey.get(key);
            if (existing != null) {
                stored.add(existing);
                continue;
            }
            long seq = lastSeqs.merge(message.room(), 1L, Long::sum);
            String msgId = message.room() + "#" + seq;
            StoredMessage created = new StoredMessage(message.room(), seq, msgId, message.from(),
                    message.tempId() == null ? msgId : message.tempId(), message.type(), message.body(),
                    message.metaJson(), message.ts());
            if (key != null) {
                byKey.put(key, created);
            }
            stored.add(created);
        }
        return stored;
    }

    @Override
    public Flux<StoredMessage> after(String room, long sinceSeq, int limit) {
        return Flux.error(new UnsupportedOperationException());
    }

    @Override
    public Flux<StoredMessage> before(String room, @Nullable Long beforeSeq, int limit) {
        return Flux.error(new UnsupportedOperationException());
    }

    @Override
    public synchronized Mono<Long> lastSeq(String room) {
        return Mono.just(lastSeqs.getOrDefault(room, 0L));
    }

    @Override
    public Mono<StoredMessage> findByTempId(String room, @Nullable String from, String tempId) {
        return Mono.justOrEmpty(byKey.get(new IdempotencyKey(room, from, tempId)));
    }
}
