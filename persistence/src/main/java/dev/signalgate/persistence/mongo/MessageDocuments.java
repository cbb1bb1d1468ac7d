package dev.signalgate.persistence.mongo;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;

import dev.signalgate.persistence.NewMessage;
import dev.signalgate.persistence.StoredMessage;

/**
 * The shape of a document in {@code messages}, written once here:
 *
 * <pre>{@code
 * { _id: ObjectId, room: "room:42", seq: NumberLong(17), from: "alice", tempId: "t-1",
 *   type: "chat", body: "hello", metaJson: "{\"enc\":...}", ts: ISODate(...) }
 * }</pre>
 *
 * Null fields are left out. {@code metaJson} is kept as a string, never parsed. {@code ts} is a BSON
 * date (millisecond precision), which the TTL index needs.
 */
final class MessageDocuments {

    static final String COLLECTION = "messages";

    static final String ID = "_id";
    static final String ROOM = "room";
    static final String SEQ = "seq";
    static final String FROM = "from";
    static final String TEMP_ID = "tempId";
    static final String TYPE = "type";
    static final String BODY = "body";
    static final String META_JSON = "metaJson";
    static final String TS = "ts";

    /** Unique (room, seq): refuses a second writer that picked the same number. Also serves history and resume. */
    static final String ROOM_SEQ_INDEX = "room_seq_unique";
    /** Unique (room, from, tempId): at most one message per retry key. */
    static final String TEMP_ID_INDEX = "room_from_tempId_unique";
    /** TTL on ts, only with retention. */
    static final String TTL_INDEX = "ts_ttl";

    private MessageDocuments() {
    }

    /** The message as it will be stored: the id and the retry key are fixed before the first attempt. */
    static StoredMessage prepare(NewMessage message, ObjectId id, long seq) {
        String msgId = id.toHexString();
        return new StoredMessage(message.room(), seq, msgId, message.from(),
                message.tempId() == null ? msgId : message.tempId(), message.type(), message.body(),
                message.metaJson(), message.ts().truncatedTo(ChronoUnit.MILLIS));
    }

    static Document toDocument(StoredMessage message) {
        Document document = new Document(ID, new ObjectId(message.msgId()))
                .append(ROOM, message.room())
                .append(SEQ, message.seq());
        putIfNotNull(document, FROM, message.from());
        document.append(TEMP_ID, message.tempId()).append(TYPE, message.type());
        putIfNotNull(document, BODY, message.body());
        putIfNotNull(document, META_JSON, message.metaJson());
        return document.append(TS, Date.from(message.ts()));
    }

    static StoredMessage fromDocument(Document document) {
        Object id = document.get(ID);
        return new StoredMessage(
                document.getString(ROOM),
                ((Number) document.get(SEQ)).longValue(),
                id instanceof ObjectId objectId ? objectId.toHexString() : String.valueOf(id),
                document.getString(FROM),
                document.getString(TEMP_ID),
                document.getString(TYPE),
                document.getString(BODY),
                document.getString(META_JSON),
                toInstant(document.get(TS)));
    }

    private static Instant toInstant(@Nullable Object value) {
        if (value instanceof Date date) {
            return date.toInstant();
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        throw new IllegalStateException("expected a date in '" + TS + "', got " + value);
    }

    private static void putIfNotNull(Document document, String field, @Nullable Object value) {
        if (value != null) {
            document.append(field, value);
        }
    }
}
