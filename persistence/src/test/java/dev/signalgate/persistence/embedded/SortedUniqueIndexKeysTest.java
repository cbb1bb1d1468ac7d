package dev.signalgate.persistence.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;

/** The key shortcut of {@link SortedUniqueIndex} gives exactly the keys mongo-java-server's own extraction gives. */
class SortedUniqueIndexKeysTest {

    private final MVStore store = MVStore.open(null);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void plainValuesOfTopLevelFieldsGiveTheStockKeys() {
        SortedUniqueIndex index = index("room", "seq");
        List<Document> documents = List.of(
                new Document("room", "a").append("seq", 1L),
                new Document("room", "a").append("seq", 7),
                new Document("room", "a").append("seq", 2.5),
                new Document("room", "a").append("seq", -0.0),
                new Document("room", "a").append("seq", (1L << 60) + 1),
                new Document("room", "a").append("seq", Long.MAX_VALUE),
                new Document("room", "a"),
                new Document("room", null).append("seq", 3L),
                new Document("room", Missing.getInstance()).append("seq", 3L),
                new Document("room", new ObjectId()).append("seq", true),
                new Document("room", Instant.ofEpochSecond(5)).append("seq", "text"),
                new Document("room", "a").append("seq", List.of(1L, 2L)),
                new Document("room", new Document("nested", 1)).append("seq", 1L));
        for (Document document : documents) {
            assertThat(index.getKeyValues(document)).as(document.toString())
                    .isEqualTo(index.stockKeyValues(document));
        }
    }

    @Test
    void aDottedPathTakesTheStockWay() {
        SortedUniqueIndex index = index("meta.room", "seq");
        Document document = new Document("meta", new Document("room", "a")).append("seq", 1L);
        assertThat(index.getKeyValues(document)).isEqualTo(index.stockKeyValues(document))
                .containsExactly(new KeyValue("a", 1.0));
    }

    private SortedUniqueIndex index(String... keys) {
        MVMap<KeyValue, Object> map = store.openMap("index-" + String.join("-", keys));
        return new SortedUniqueIndex("test", map, java.util.Arrays.stream(keys).map(key -> new IndexKey(key, true))
                .toList(), false);
    }
}
