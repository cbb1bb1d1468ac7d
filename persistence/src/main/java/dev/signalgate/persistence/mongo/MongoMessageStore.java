package dev.signalgate.persistence.mongo;

import static dev.signalgate.persistence.mongo.MessageDocuments.COLLECTION;
import static dev.signalgate.persistence.mongo.MessageDocuments.FROM;
import static dev.signalgate.persistence.mongo.MessageDocuments.ROOM;
import static dev.signalgate.persistence.mongo.MessageDocuments.SEQ;
import static dev.signalgate.persistence.mongo.MessageDocuments.TEMP_ID;
import static dev.signalgate.persistence.mongo.MessageDocuments.TS;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.bson.Document;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.index.IndexOptions;
import org.springframework.data.mongodb.core.index.ReactiveIndexOperations;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.result.DeleteResult;

import dev.signalgate.persistence.IdempotencyKey;
import dev.signalgate.persistence.MessageStore;
import dev.signalgate.persistence.NewMessage;
import dev.signalgate.persistence.StoredMessage;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link MessageStore} on MongoDB: collection {@code messages}, documents as in {@link MessageDocuments}.
 *
 * <h2>The database is the sequencer</h2>
 * A message is inserted with seq = (the room's highest stored seq) + 1. The unique index on
 * (room, seq) refuses a second writer that picked the same number (duplicate key, code 11000); the loser
 * re-reads the highest seq (or takes the refused number as the new top, see {@link AppendRun}) and tries
 * again. A number is therefore only taken by a successful insert,
 * and a writer only picks N after it has seen N-1 stored (or stored it itself, earlier in the same
 * ordered insert). So seq N existing implies 1 .. N-1 exist, with no coordination between writers but
 * the index: it holds with any number of gateway processes writing to one room through one database,
 * without transactions or a replica set. It is also why resuming with {@code since} cannot miss a
 * message: no message numbered below what a client has seen can appear later.
 *
 * <p>Reading the highest seq before each batch would cost a round trip, so each store keeps the last
 * seq it saw per room ({@link SeqCache}, bounded LRU, default 10,000 rooms) as a hint. A stale hint is
 * caught by the index like any race; the hint of a room is dropped on every duplicate-key refusal, and
 * the hints of a batch's rooms on any failure or cancellation (a timed-out write may still land).
 *
 * <h2>Batches</h2>
 * {@link #appendAll} writes the whole batch (any number of rooms) with one ordered {@code insertMany}
 * and resolves refusals as described in {@link AppendRun}: retries are answered with the stored message,
 * taken numbers are re-read and retried (at most {@value #MAX_CONFLICTS} times per call).
 *
 * <p>Calls on one instance are written one at a time, in subscription order ({@link FifoGate}):
 * concurrent calls of one node would only race each other for the same numbers, and the losers could
 * starve. So the refusals that remain come from other nodes, which write one batch at a time each
 * (through {@code MessageWriter}); {@link dev.signalgate.persistence.MessageWriter} is the intended
 * caller anyway.
 *
 * <h2>Retention</h2>
 * With a retention, {@link #ensureIndexes()} creates a TTL index on {@code ts} and the store keeps a
 * per-room floor of the highest seq ever stored ({@link SeqFloors}) so that expired history never
 * restarts the numbering. The embedded server (mongo-java-server) accepts and lists the TTL index but
 * never expires documents: there, call {@link #purgeExpired(Instant)} periodically instead.
 *
 * <h2>Write concern</h2>
 * Writes use the database's default write concern, i.e. the connection string's ({@code w=majority} is
 * recommended, see the module README): with {@code w:1} a failover can roll back acknowledged messages.
 */
public final class MongoMessageStore implements MessageStore {

    /** Rooms whose last seq is remembered, by default. */
    public static final int DEFAULT_SEQ_CACHE_ROOMS = 10_000;
    /**
     * Times per {@link #appendAll} call that other writers may take a number first before the call fails
     * with {@code StoreUnavailableException}. Generous, because under sustained contention for one room
     * each race is a coin toss between the writers; the bound is there to stop a livelock, not contention.
     */
    public static final int MAX_CONFLICTS = 64;

    /**
     * Why the raw driver for inserts: Spring Data's {@code insertAll} maps every object through the
     * converter and translates a bulk failure into a {@code DuplicateKeyException}; sequencing needs
     * the position of the refused input and the index that refused it, which the driver's
     * {@code MongoBulkWriteException} carries as is.
     */
    private static final InsertManyOptions ORDERED = new InsertManyOptions().ordered(true);

    private final ReactiveMongoTemplate template;
    private final @Nullable Duration retention;
    private final @Nullable SeqFloors floors;
    private final SeqCache seqCache;
    private final FifoGate appends = new FifoGate();
    private volatile AppendListener appendListener = AppendListener.NONE;

    /** No retention, default seq cache. */
    public MongoMessageStore(ReactiveMongoTemplate template) {
        this(template, null);
    }

    /** @param retention how long messages are kept (TTL on {@code ts}), or null to keep them forever */
    public MongoMessageStore(ReactiveMongoTemplate template, @Nullable Duration retention) {
        this(template, retention, DEFAULT_SEQ_CACHE_ROOMS);
    }

    /**
     * @param retention how long messages are kept (TTL on {@code ts}, whole seconds, at least 1 s), or null
     *        to keep them forever
     * @param seqCacheRooms how many rooms' last seq to remember
     */
    public MongoMessageStore(ReactiveMongoTemplate template, @Nullable Duration retention, int seqCacheRooms) {
        this.template = Objects.requireNonNull(template, "template");
        if (retention != null && retention.getSeconds() < 1) {
            throw new IllegalArgumentException("retention must be at least 1 second (or null for none), got " + retention);
        }
        this.retention = retention;
        this.floors = retention == null ? null : new SeqFloors(template);
        this.seqCache = new SeqCache(seqCacheRooms);
    }

    /**
     * Creates the indexes; call once at start-up, before the first write. Idempotent. Unique
     * (room, seq), which also serves resume and history queries; unique (room, from, tempId); and with
     * retention a TTL index on {@code ts} (its expiry is updated if the retention changed; without
     * retention an existing TTL index is dropped, so that turning retention off stops deletions).
     */
    public Mono<Void> ensureIndexes() {
        ReactiveIndexOperations indexes = template.indexOps(COLLECTION);
        Mono<String> bySeq = indexes.createIndex(new Index().on(ROOM, Sort.Direction.ASC).on(SEQ, Sort.Direction.ASC)
                .unique().named(MessageDocuments.ROOM_SEQ_INDEX));
        Mono<String> byTempId = indexes.createIndex(new Index().on(ROOM, Sort.Direction.ASC).on(FROM, Sort.Direction.ASC)
                .on(TEMP_ID, Sort.Direction.ASC).unique().named(MessageDocuments.TEMP_ID_INDEX));
        return bySeq.then(byTempId).then(retention == null ? dropTtl(indexes) : createTtl(indexes, retention));
    }

    /**
     * Deletes the messages older than the retention, as a TTL monitor would: for servers without one
     * (the embedded server), where history would otherwise grow forever and reads of a room, which
     * load the room's documents there, grow slower with it. On a real MongoDB the TTL index does this on its own. Safe to run on
     * any node at any time: the seq floor keeps the numbering going after a room's history is gone.
     *
     * @param now the current time; messages with {@code ts < now - retention} are deleted
     * @return how many were deleted; {@link IllegalStateException} when the store has no retention
     */
    public Mono<Long> purgeExpired(Instant now) {
        if (retention == null) {
            return Mono.error(new IllegalStateException("purgeExpired needs a retention: this store keeps messages forever"));
        }
        Date cutoff = Date.from(now.minus(retention));
        return template.remove(new Query(where(TS).lt(cutoff)), COLLECTION).map(DeleteResult::getDeletedCount);
    }

    /**
     * Deletes every message of a room, with its seq floor: for rooms nobody will write again, such as the synthetic
     * rooms of the gateway's warm-up. Not for rooms in use: a message stored while this runs may survive it, and
     * the room's numbering starts again at 1 afterwards.
     *
     * @return how many messages were deleted
     */
    public Mono<Long> deleteRoom(String room) {
        Mono<Long> messages = template.remove(new Query(where(ROOM).is(room)), COLLECTION)
                .map(DeleteResult::getDeletedCount);
        Mono<Void> floor = floors == null ? Mono.empty() : floors.delete(room);
        return messages.flatMap(deleted -> floor.thenReturn(deleted))
                .doFinally(signal -> seqCache.forget(room));
    }

    @Override
    public Flux<StoredMessage> appendAll(List<NewMessage> batch) {
        return Flux.defer(() -> {
            Objects.requireNonNull(batch, "batch");
            if (batch.isEmpty()) {
                return Flux.empty();
            }
            for (NewMessage message : batch) {
                if (message == null) {
                    return Flux.error(new IllegalArgumentException("batch contains a null message"));
                }
            }
            AppendRun run = new AppendRun(this, List.copyOf(batch), MAX_CONFLICTS);
            return appends.serialize(run::run)
                    .doOnError(error -> seqCache.forget(run.rooms()))
                    .doOnCancel(() -> seqCache.forget(run.rooms()));
        });
    }

    @Override
    public Flux<StoredMessage> after(String room, long sinceSeq, int limit) {
        if (limit < 1) {
            return Flux.error(new IllegalArgumentException("limit must be at least 1, got " + limit));
        }
        Query query = new Query(where(ROOM).is(room).and(SEQ).gt(sinceSeq))
                .with(Sort.by(Sort.Direction.ASC, SEQ)).limit(limit);
        return template.find(query, Document.class, COLLECTION).map(MessageDocuments::fromDocument);
    }

    @Override
    public Flux<StoredMessage> before(String room, @Nullable Long beforeSeq, int limit) {
        if (limit < 1) {
            return Flux.error(new IllegalArgumentException("limit must be at least 1, got " + limit));
        }
        Criteria criteria = where(ROOM).is(room);
        if (beforeSeq != null) {
            criteria = criteria.and(SEQ).lt(beforeSeq);
        }
        Query query = new Query(criteria).with(Sort.by(Sort.Direction.DESC, SEQ)).limit(limit);
        return template.find(query, Document.class, COLLECTION).map(MessageDocuments::fromDocument);
    }

    @Override
    public Mono<Long> lastSeq(String room) {
        return readTop(room);
    }

    @Override
    public Mono<StoredMessage> findByTempId(String room, @Nullable String from, String tempId) {
        // {from: null} also matches a missing field, as the unique index does.
        Query query = new Query(where(ROOM).is(room).and(FROM).is(from).and(TEMP_ID).is(tempId));
        return template.findOne(query, Document.class, COLLECTION).map(MessageDocuments::fromDocument);
    }

    /**
     * The stored messages with any of these retry keys, in one query ({@code $or} of exact matches, each
     * answered by the unique (room, from, tempId) index): how a batch resolves all its retries at once.
     */
    Flux<StoredMessage> findByKeys(Collection<IdempotencyKey> keys) {
        if (keys.isEmpty()) {
            return Flux.empty();
        }
        List<Document> clauses = new ArrayList<>(keys.size());
        for (IdempotencyKey key : keys) {
            // {from: null} also matches a missing field, as the unique index does.
            clauses.add(new Document(ROOM, key.room()).append(FROM, key.from()).append(TEMP_ID, key.tempId()));
        }
        Document filter = new Document("$or", clauses);
        return template.getCollection(COLLECTION)
                .flatMapMany(collection -> Flux.from(collection.find(filter).batchSize(keys.size() + 1)))
                .map(MessageDocuments::fromDocument);
    }

    /** The highest seq stored in the room (or its floor, with retention), 0 for none. */
    Mono<Long> readTop(String room) {
        Query query = new Query(where(ROOM).is(room)).with(Sort.by(Sort.Direction.DESC, SEQ)).limit(1);
        query.fields().include(SEQ);
        Mono<Long> highest = template.findOne(query, Document.class, COLLECTION)
                .map(document -> ((Number) document.get(SEQ)).longValue())
                .defaultIfEmpty(0L);
        return floors == null ? highest : highest.zipWith(floors.floor(room), Math::max);
    }

    Mono<Void> insertOrdered(List<Document> documents) {
        return template.getCollection(COLLECTION)
                .flatMap(collection -> Mono.from(collection.insertMany(documents, ORDERED)))
                .then();
    }

    /** Sets the one listener told of each {@link #appendAll} call; {@code null} removes it. */
    public void setAppendListener(@Nullable AppendListener listener) {
        this.appendListener = listener == null ? AppendListener.NONE : listener;
    }

    void appended(int size, int retriesResolved, int roundTrips) {
        try {
            appendListener.appended(size, retriesResolved, roundTrips);
        } catch (RuntimeException e) {
            // Metrics must not fail a stored batch.
            LoggerFactory.getLogger(MongoMessageStore.class).warn("append listener failed: {}", e.toString());
        }
    }

    /** Runs after a batch is resolved and before it is reported stored. */
    Mono<Void> afterStored(Map<String, Long> topSeqs) {
        return floors == null ? Mono.empty() : floors.raise(topSeqs);
    }

    SeqCache seqCache() {
        return seqCache;
    }

    private static Mono<Void> createTtl(ReactiveIndexOperations indexes, Duration retention) {
        return indexes.createIndex(new Index().on(TS, Sort.Direction.ASC).expire(retention)
                        .named(MessageDocuments.TTL_INDEX))
                .then()
                .onErrorResume(error -> isIndexConflict(error),
                        error -> indexes.alterIndex(MessageDocuments.TTL_INDEX, IndexOptions.expireAfter(retention)));
    }

    private static Mono<Void> dropTtl(ReactiveIndexOperations indexes) {
        return indexes.getIndexInfo()
                .filter(index -> MessageDocuments.TTL_INDEX.equals(index.getName()))
                .concatMap(index -> indexes.dropIndex(MessageDocuments.TTL_INDEX))
                .then();
    }

    private static boolean isIndexConflict(Throwable error) {
        int code = MongoErrors.code(error);
        return code == MongoErrors.INDEX_OPTIONS_CONFLICT || code == MongoErrors.INDEX_KEY_SPECS_CONFLICT;
    }
}
