package dev.signalgate.persistence.mongo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.bson.Document;
import org.bson.types.ObjectId;

import dev.signalgate.persistence.IdempotencyKey;
import dev.signalgate.persistence.NewMessage;
import dev.signalgate.persistence.StoreUnavailableException;
import dev.signalgate.persistence.StoredMessage;
import dev.signalgate.persistence.mongo.MongoErrors.WriteFailure;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One {@link MongoMessageStore#appendAll} call: numbers the batch, inserts it in order, and resolves
 * refused inputs until every input has a stored message.
 *
 * <p>Each round inserts the unresolved inputs with one ordered {@code insertMany}, numbered from each
 * room's known top seq. Ordered, so that a refused input stops the rest: within a room a later seq is
 * never stored without the earlier ones. When input i is refused, inputs before i are stored and:
 * <ul>
 * <li>duplicate (room, from, tempId): a retry. One look-up of the retry keys of every input not yet
 *     resolved ({@code $or} on the unique index) answers it and every other retry of the batch with the
 *     stored messages; their numbers were not consumed, so the room's remaining inputs are renumbered in the
 *     next round (no re-read needed). A batch of n retries and m new messages costs three round trips
 *     (insert, look-up, insert), not n;</li>
 * <li>duplicate (room, seq): another writer took the number. The rest is retried from a new top: the
 *     room's highest seq, re-read, when this run has not read it yet (the top came from the cache and
 *     may be far behind) and every {@value #REREAD_EVERY}th conflict (another writer's big batch may
 *     be landing); otherwise the refused number itself. That number is known to be stored, so the next
 *     one is a safe guess (it cannot leave a gap), and guessing costs no round trip: a re-read would
 *     let the writer that just won, which knows its top without reading, win every following race
 *     too, and the loser would starve. From the {@value #JITTER_AFTER}th conflict on, a short random
 *     pause breaks lock-step collisions;</li>
 * <li>anything else: the run fails.</li>
 * </ul>
 * Every round resolves at least one input or counts a conflict; more than {@code maxConflicts}
 * conflicts fail the run with {@link StoreUnavailableException}.
 *
 * <p>Not thread-safe, and it need not be: rounds run one after another.
 */
final class AppendRun {

    static final int REREAD_EVERY = 8;
    static final int JITTER_AFTER = 16;
    private static final long MAX_JITTER_MICROS = 20_000;

    private final MongoMessageStore store;
    private final List<NewMessage> inputs;
    private final int maxConflicts;
    /** Index of the first input with the same retry key (inputs repeated within the batch share a result). */
    private final int[] canonical;
    /** Fixed before the first round, so a message keeps its msgId (and its tempId, when it had none). */
    private final ObjectId[] ids;
    private final StoredMessage[] results;
    private final Map<String, Long> tops = new HashMap<>();
    /** Rooms whose top this run has read from the database. */
    private final Set<String> readRooms = new HashSet<>();
    private List<Integer> unresolved;
    private int conflicts;
    private int roundTrips;
    private int retriesResolved;

    AppendRun(MongoMessageStore store, List<NewMessage> inputs, int maxConflicts) {
        this.store = store;
        this.inputs = inputs;
        this.maxConflicts = maxConflicts;
        int size = inputs.size();
        this.canonical = new int[size];
        this.ids = new ObjectId[size];
        this.results = new StoredMessage[size];
        this.unresolved = new ArrayList<>(size);
        Map<IdempotencyKey, Integer> firstByKey = new HashMap<>();
        for (int i = 0; i < size; i++) {
            IdempotencyKey key = inputs.get(i).idempotencyKey();
            Integer first = key == null ? null : firstByKey.putIfAbsent(key, i);
            canonical[i] = first == null ? i : first;
            if (first == null) {
                ids[i] = new ObjectId();
                unresolved.add(i);
            }
        }
    }

    /** The stored messages in input order; errors if a round fails or conflicts keep coming. */
    Flux<StoredMessage> run() {
        return Mono.defer(this::round)
                .repeat(() -> !unresolved.isEmpty())
                .then(Mono.defer(() -> store.afterStored(topSeqsOfResults())))
                .then(Mono.fromRunnable(() -> store.appended(inputs.size(), retriesResolved, roundTrips)))
                .thenMany(Flux.defer(this::emit));
    }

    Set<String> rooms() {
        Set<String> rooms = new LinkedHashSet<>();
        inputs.forEach(input -> rooms.add(input.room()));
        return rooms;
    }

    private Mono<Void> round() {
        Set<String> missing = new LinkedHashSet<>();
        for (int index : unresolved) {
            String room = inputs.get(index).room();
            if (!tops.containsKey(room)) {
                OptionalLong hint = store.seqCache().get(room);
                if (hint.isPresent()) {
                    tops.put(room, hint.getAsLong());
                } else {
                    missing.add(room);
                }
            }
        }
        return Flux.fromIterable(missing)
                .doOnNext(room -> roundTrips++)
                .flatMap(room -> store.readTop(room).doOnNext(top -> store.seqCache().stored(room, top))
                        .map(top -> Map.entry(room, top)), 8)
                .doOnNext(entry -> {
                    tops.put(entry.getKey(), entry.getValue());
                    readRooms.add(entry.getKey());
                })
                .then(Mono.defer(this::insertRound));
    }

    private Mono<Void> insertRound() {
        Map<String, Long> next = new HashMap<>(tops);
        List<StoredMessage> attempt = new ArrayList<>(unresolved.size());
        List<Document> documents = new ArrayList<>(unresolved.size());
        for (int index : unresolved) {
            NewMessage input = inputs.get(index);
            long seq = next.merge(input.room(), 1L, Long::sum);
            StoredMessage prepared = MessageDocuments.prepare(input, ids[index], seq);
            attempt.add(prepared);
            documents.add(MessageDocuments.toDocument(prepared));
        }
        roundTrips++;
        return store.insertOrdered(documents)
                .then(Mono.fromRunnable(() -> accept(attempt, attempt.size())))
                .onErrorResume(error -> refused(error, attempt))
                .then();
    }

    /** The first {@code count} inputs of the attempt are stored. */
    private void accept(List<StoredMessage> attempt, int count) {
        for (int k = 0; k < count; k++) {
            StoredMessage stored = attempt.get(k);
            results[unresolved.get(k)] = stored;
            tops.put(stored.room(), stored.seq());
            store.seqCache().stored(stored.room(), stored.seq());
        }
        unresolved = new ArrayList<>(unresolved.subList(count, unresolved.size()));
    }

    private Mono<Void> refused(Throwable error, List<StoredMessage> attempt) {
        WriteFailure failure = MongoErrors.firstWriteFailure(error);
        if (failure == null || !failure.isDuplicateKey() || failure.index() >= attempt.size()) {
            return Mono.error(error);
        }
        accept(attempt, failure.index());
        StoredMessage refused = attempt.get(failure.index());
        if (failure.message().contains(MessageDocuments.ROOM_SEQ_INDEX)) {
            return seqTaken(refused.room(), refused.seq());
        }
        // The retry-key index, or a message that names neither index: ask the database.
        return resolveRetries(refused);
    }

    /**
     * One look-up of every unresolved input's retry key: the refused input is a retry, and a batch that holds
     * one usually holds more (a client resending everything after a reconnect), so all of them are answered in
     * this round instead of one insert and one look-up per retry. The inputs left are renumbered by the next
     * round. A key inserted by another writer after this look-up is refused again and looked up again.
     */
    private Mono<Void> resolveRetries(StoredMessage refused) {
        Map<IdempotencyKey, Integer> byKey = new LinkedHashMap<>();
        for (int index : unresolved) {
            IdempotencyKey key = inputs.get(index).idempotencyKey();
            if (key != null) {
                byKey.put(key, index);
            }
        }
        roundTrips++;
        return store.findByKeys(byKey.keySet())
                .doOnNext(stored -> {
                    Integer index = byKey.get(new IdempotencyKey(stored.room(), stored.from(), stored.tempId()));
                    if (index != null && results[index] == null) {
                        results[index] = stored;
                        retriesResolved++;
                    }
                })
                .then(Mono.defer(() -> {
                    boolean refusedWasARetry = results[unresolved.get(0)] != null;
                    unresolved.removeIf(index -> results[index] != null);
                    // Not found: the number, not the key, was taken (an index that the message did not name).
                    return refusedWasARetry ? Mono.<Void>empty() : seqTaken(refused.room(), refused.seq());
                }));
    }

    private Mono<Void> seqTaken(String room, long takenSeq) {
        store.seqCache().forget(room);
        conflicts++;
        if (conflicts > maxConflicts) {
            return Mono.error(new StoreUnavailableException("could not number messages for room '" + room + "': "
                    + "other writers took the seq first " + conflicts + " times"));
        }
        if (!readRooms.contains(room) || conflicts % REREAD_EVERY == 0) {
            tops.remove(room);
            readRooms.remove(room);
        } else {
            tops.put(room, takenSeq);
        }
        if (conflicts < JITTER_AFTER) {
            return Mono.empty();
        }
        long capMicros = Math.min(MAX_JITTER_MICROS, 500L << Math.min(conflicts - JITTER_AFTER, 10));
        return Mono.delay(Duration.ofNanos(ThreadLocalRandom.current().nextLong(capMicros + 1) * 1000)).then();
    }

    private Map<String, Long> topSeqsOfResults() {
        Map<String, Long> topSeqs = new HashMap<>();
        for (StoredMessage stored : results) {
            if (stored != null) {
                topSeqs.merge(stored.room(), stored.seq(), Math::max);
            }
        }
        return topSeqs;
    }

    private Flux<StoredMessage> emit() {
        List<StoredMessage> ordered = new ArrayList<>(results.length);
        for (int i = 0; i < results.length; i++) {
            ordered.add(results[canonical[i]]);
        }
        return Flux.fromIterable(ordered);
    }
}
