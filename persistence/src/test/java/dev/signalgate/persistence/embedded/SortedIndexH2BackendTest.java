package dev.signalgate.persistence.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link SortedIndexH2Backend} through the real driver: its indexes never change an answer (the same
 * queries against the stock memory backend, which scans), they survive a restart, and a file written by
 * the stock H2 backend keeps its unique indexes.
 */
class SortedIndexH2BackendTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final long BEYOND_DOUBLES = (1L << 60) + 1;

    @TempDir
    Path tempDir;

    @Test
    void prefixAndRangeQueriesAnswerAsAFullScanDoes() {
        List<Bson> queries = List.of(
                Filters.eq("room", "a"),
                Filters.eq("room", "b"),
                Filters.eq("room", "nobody"),
                Filters.and(Filters.eq("room", "a"), Filters.gt("seq", 5L)),
                Filters.and(Filters.eq("room", "a"), Filters.gte("seq", 5)),
                Filters.and(Filters.eq("room", "a"), Filters.lt("seq", 3L)),
                Filters.and(Filters.eq("room", "a"), Filters.lte("seq", 2.5)),
                Filters.and(Filters.eq("room", "a"), Filters.gt("seq", 2.5), Filters.lt("seq", 40L)),
                Filters.and(Filters.eq("room", "a"), Filters.gt("seq", 1L << 59)),
                Filters.and(Filters.eq("room", "a"), Filters.lt("seq", BEYOND_DOUBLES)),
                Filters.and(Filters.eq("room", "a"), Filters.eq("seq", 7L)),
                Filters.and(Filters.eq("room", "a"), Filters.in("seq", 1L, 7L, 40L)),
                Filters.and(Filters.eq("room", "a"), Filters.ne("seq", 7L)),
                Filters.and(Filters.eq("room", "b"), Filters.gt("seq", 0L)),
                Filters.gt("seq", 10L),
                Filters.or(Filters.and(Filters.eq("room", "a"), Filters.eq("seq", 7L)),
                        Filters.and(Filters.eq("room", "a"), Filters.eq("seq", 3L)),
                        Filters.and(Filters.eq("room", "nobody"), Filters.eq("seq", 1L))),
                Filters.or(Filters.eq("room", "b"), Filters.and(Filters.eq("room", "a"), Filters.lt("seq", 3L))),
                Filters.or(Filters.eq("room", "b"), Filters.gt("seq", 10L)));

        List<List<Document>> scanned;
        try (EmbeddedMongo memory = EmbeddedMongo.memory().start("127.0.0.1", 0)) {
            scanned = withCollection(memory.connectionString("db"), things -> seed(things).then(answers(things, queries)));
        }

        EmbeddedMongo file = EmbeddedMongo.file(tempDir).start("127.0.0.1", 0);
        try {
            List<List<Document>> indexed = withCollection(file.connectionString("db"),
                    things -> seed(things).then(answers(things, queries)));
            assertThat(indexed).containsExactlyElementsOf(scanned);
            assertThat(scanned.get(3)).extracting(document -> document.get("seq")).contains(7L, 40, List.of(100L, 101L));

            file.stop();
            file.start("127.0.0.1", 0);
            List<List<Document>> afterRestart = withCollection(file.connectionString("db"), things -> answers(things, queries));
            assertThat(afterRestart).containsExactlyElementsOf(scanned);
        } finally {
            file.close();
        }
    }

    @Test
    void uniqueIndexesRefuseATakenKeyAfterARestart() {
        try (EmbeddedMongo file = EmbeddedMongo.file(tempDir).start("127.0.0.1", 0)) {
            withCollection(file.connectionString("db"), things -> seed(things));
            file.stop();
            file.start("127.0.0.1", 0);

            assertThatThrownBy(() -> withCollection(file.connectionString("db"),
                    things -> Mono.from(things.insertOne(new Document("room", "a").append("seq", 7L)))))
                    .isInstanceOf(MongoWriteException.class)
                    .satisfies(error -> assertThat(((MongoWriteException) error).getCode()).isEqualTo(11000));
            Long stored = withCollection(file.connectionString("db"),
                    things -> Mono.from(things.insertOne(new Document("room", "a").append("seq", 1000L)))
                            .then(Mono.from(things.countDocuments(Filters.eq("room", "a")))));
            assertThat(stored).isEqualTo(roomA().size() + 1L);
        }
    }

    @Test
    void aFileOfTheStockBackendKeepsItsUniqueIndexesAndAnswersRangeQueries() {
        Path dataFile = tempDir.resolve(EmbeddedMongo.DATA_FILE);
        MongoServer stock = new MongoServer(new H2Backend(new MVStore.Builder().fileName(dataFile.toString()).open()));
        try {
            stock.bind("127.0.0.1", 0);
            withCollection("mongodb://127.0.0.1:" + stock.getLocalAddress().getPort() + "/db", things -> seed(things));
        } finally {
            stock.shutdown();
        }

        try (EmbeddedMongo file = EmbeddedMongo.file(tempDir).start("127.0.0.1", 0)) {
            String uri = file.connectionString("db");
            List<Document> after = withCollection(uri,
                    things -> Flux.from(things.find(Filters.and(Filters.eq("room", "a"), Filters.gt("seq", 30L)))
                            .sort(Sorts.ascending("seq"))).collectList());
            assertThat(after).extracting(document -> document.get("seq")).containsExactly(40, List.of(100L, 101L), 1L << 59, BEYOND_DOUBLES);
            assertThatThrownBy(() -> withCollection(uri,
                    things -> Mono.from(things.insertOne(new Document("room", "b").append("seq", 3L)))))
                    .isInstanceOf(MongoWriteException.class);
        }

        MVStore reopened = new MVStore.Builder().fileName(dataFile.toString()).readOnly().open();
        try {
            assertThat(reopened.getMapNames()).anyMatch(name -> name.contains("._sorted_index_room_1_seq_1"))
                    .noneMatch(name -> name.contains("._index_"));
        } finally {
            reopened.close();
        }
    }

    @Test
    void documentsOfAStockFileAndNewOnesReadSideBySideAcrossAReopen() {
        Path dataFile = tempDir.resolve(EmbeddedMongo.DATA_FILE);
        MongoServer stock = new MongoServer(new H2Backend(new MVStore.Builder().fileName(dataFile.toString()).open()));
        List<Document> old;
        try {
            stock.bind("127.0.0.1", 0);
            String uri = "mongodb://127.0.0.1:" + stock.getLocalAddress().getPort() + "/db";
            withCollection(uri, things -> seed(things));
            old = withCollection(uri, things -> Flux.from(things.find().sort(Sorts.ascending("_id"))).collectList());
        } finally {
            stock.shutdown();
        }
        ObjectId newId = new ObjectId(String.format("%024x", 9_999));
        Document added = new Document("_id", newId).append("room", "d").append("seq", 1L)
                .append("body", "written as BSON").append("meta", new Document("client", "web"));

        for (int open = 0; open < 2; open++) {
            try (EmbeddedMongo file = EmbeddedMongo.file(tempDir).start("127.0.0.1", 0)) {
                String uri = file.connectionString("db");
                if (open == 0) {
                    withCollection(uri, things -> Mono.from(things.insertOne(added)));
                }
                List<Document> all = withCollection(uri,
                        things -> Flux.from(things.find().sort(Sorts.ascending("_id"))).collectList());
                List<Document> expected = new ArrayList<>(old);
                expected.add(added);
                assertThat(all).isEqualTo(expected);
                Document byId = withCollection(uri, things -> Mono.from(things.find(Filters.eq("_id", newId)).first()));
                assertThat(byId).isEqualTo(added);
                Document oldById = withCollection(uri,
                        things -> Mono.from(things.find(Filters.eq("_id", old.get(3).get("_id"))).first()));
                assertThat(oldById).isEqualTo(old.get(3));
            }
        }
    }

    /** Room a holds every kind of seq the indexes must order or leave to the collection; room b plain ones. */
    private static Mono<Void> seed(MongoCollection<Document> things) {
        List<Document> documents = new ArrayList<>(roomA());
        for (long seq = 1; seq <= 20; seq++) {
            documents.add(new Document("room", "b").append("seq", seq));
        }
        documents.add(new Document("room", "c"));
        // Fixed ids: the answers of two servers are compared document for document.
        for (int i = 0; i < documents.size(); i++) {
            documents.get(i).append("_id", new ObjectId(String.format("%024x", i + 1)));
        }
        return Mono.from(things.createIndex(Indexes.ascending("room", "seq"), new IndexOptions().unique(true)))
                .then(Mono.from(things.insertMany(documents)))
                .then();
    }

    private static List<Document> roomA() {
        List<Document> documents = new ArrayList<>();
        for (long seq = 1; seq <= 12; seq++) {
            documents.add(new Document("room", "a").append("seq", seq));
        }
        documents.add(new Document("room", "a").append("seq", 2.5));
        documents.add(new Document("room", "a").append("seq", 40));
        documents.add(new Document("room", "a").append("seq", -3L));
        documents.add(new Document("room", "a").append("seq", 1L << 59));
        documents.add(new Document("room", "a").append("seq", BEYOND_DOUBLES));
        documents.add(new Document("room", "a").append("seq", "7"));
        documents.add(new Document("room", "a").append("seq", List.of(100L, 101L)));
        documents.add(new Document("room", "a").append("seq", new ObjectId("5f0000000000000000000001")));
        documents.add(new Document("room", "a"));
        return documents;
    }

    private static Mono<List<List<Document>>> answers(MongoCollection<Document> things, List<Bson> queries) {
        return Flux.fromIterable(queries)
                .concatMap(query -> Flux.from(things.find(query).sort(Sorts.ascending("_id"))).collectList())
                .collectList();
    }

    private static <T> T withCollection(String uri, Function<MongoCollection<Document>, Mono<T>> work) {
        try (MongoClient client = MongoClients.create(uri)) {
            return work.apply(client.getDatabase("db").getCollection("things")).block(TIMEOUT);
        }
    }
}
