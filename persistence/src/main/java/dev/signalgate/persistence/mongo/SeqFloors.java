package dev.signalgate.persistence.mongo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;

import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The highest seq ever stored per room, kept in {@code room_seqs} ({@code { _id: room, seq: NumberLong }})
 * and used only when retention is on.
 *
 * <p>Why: the sequencer is "highest stored seq + 1". Once a TTL index deletes old messages, a room that
 * stays silent longer than the retention loses all of them, and without a floor its next message would
 * be numbered 1 again; a client resuming with {@code since=57} would then never see messages 1..57 of
 * the new numbering. The floor is raised ({@code $max}) after each batch, before the batch is reported
 * stored, so every acknowledged seq is below the floor. The only residue: a message stored whose floor
 * update failed (the batch then reports an error), if its sender never retries and the room then stays
 * silent for the whole retention period.
 */
final class SeqFloors {

    static final String COLLECTION = "room_seqs";
    private static final String SEQ = "seq";

    private final ReactiveMongoTemplate template;

    SeqFloors(ReactiveMongoTemplate template) {
        this.template = template;
    }

    /** The floor of a room, 0 when it has none. */
    Mono<Long> floor(String room) {
        return template.getCollection(COLLECTION)
                .flatMap(collection -> Mono.from(collection.find(Filters.eq("_id", room)).first()))
                .map(document -> ((Number) document.get(SEQ)).longValue())
                .defaultIfEmpty(0L);
    }

    /** Deletes a room's floor. */
    Mono<Void> delete(String room) {
        return template.getCollection(COLLECTION)
                .flatMap(collection -> Mono.from(collection.deleteOne(Filters.eq("_id", room))))
                .then();
    }

    /** Raises each room's floor to at least the given seq, in one unordered bulk write. */
    Mono<Void> raise(Map<String, Long> topSeqs) {
        if (topSeqs.isEmpty()) {
            return Mono.empty();
        }
        List<WriteModel<Document>> updates = new ArrayList<>(topSeqs.size());
        topSeqs.forEach((room, seq) -> updates.add(new UpdateOneModel<>(Filters.eq("_id", room),
                Updates.max(SEQ, seq), new UpdateOptions().upsert(true))));
        return template.getCollection(COLLECTION)
                .flatMap(collection -> Mono.from(collection.bulkWrite(updates, new BulkWriteOptions().ordered(false))))
                // two nodes upserting a new room at once: one may lose the insert race; the retry updates
                .retryWhen(Retry.max(3).filter(MongoErrors::isDuplicateKey))
                .then();
    }
}
