package dev.signalgate.persistence.mongo;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.util.Map;
import java.util.Objects;

import com.mongodb.client.result.DeleteResult;
import org.bson.Document;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

import dev.signalgate.persistence.ReadMarkStore;

import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * {@link ReadMarkStore} on MongoDB: collection {@code read_marks}, one document per member of a room,
 * {@code { _id: ObjectId, room: "room:42", userId: "alice", seq: NumberLong(17) }}, unique on
 * (room, userId).
 *
 * <p>{@link #advance} is one {@code findAndModify} with {@code $max} and upsert, so the database keeps
 * the maximum atomically, whichever node or device reports first.
 */
public final class MongoReadMarkStore implements ReadMarkStore {

    static final String COLLECTION = "read_marks";
    static final String ROOM = "room";
    static final String USER_ID = "userId";
    static final String SEQ = "seq";
    static final String ROOM_USER_INDEX = "room_userId_unique";

    private static final FindAndModifyOptions UPSERT_RETURN_NEW = FindAndModifyOptions.options().upsert(true).returnNew(true);

    private final ReactiveMongoTemplate template;

    public MongoReadMarkStore(ReactiveMongoTemplate template) {
        this.template = Objects.requireNonNull(template, "template");
    }

    /** Creates the unique (room, userId) index; call once at start-up. Idempotent. */
    public Mono<Void> ensureIndexes() {
        return template.indexOps(COLLECTION)
                .createIndex(new Index().on(ROOM, Sort.Direction.ASC).on(USER_ID, Sort.Direction.ASC).unique()
                        .named(ROOM_USER_INDEX))
                .then();
    }

    @Override
    public Mono<Long> advance(String room, String userId, long seq) {
        if (seq < 0) {
            return Mono.error(new IllegalArgumentException("seq must be at least 0, got " + seq));
        }
        Query member = new Query(where(ROOM).is(room).and(USER_ID).is(userId));
        return Mono.defer(() -> template.findAndModify(member, new Update().max(SEQ, seq), UPSERT_RETURN_NEW,
                        Document.class, COLLECTION))
                // two first marks for one member at once: one upsert may lose the insert race; retried,
                // it finds the other's document and applies $max to it
                .retryWhen(Retry.max(3).filter(MongoErrors::isDuplicateKey))
                .map(document -> ((Number) document.get(SEQ)).longValue());
    }

    @Override
    public Mono<Map<String, Long>> marks(String room) {
        return template.find(new Query(where(ROOM).is(room)), Document.class, COLLECTION)
                .collectMap(document -> document.getString(USER_ID), document -> ((Number) document.get(SEQ)).longValue());
    }

    /** Deletes every read mark of a room; see {@link MongoMessageStore#deleteRoom}. Answers how many there were. */
    public Mono<Long> deleteRoom(String room) {
        return template.remove(new Query(where(ROOM).is(room)), COLLECTION).map(DeleteResult::getDeletedCount);
    }
}
