package dev.signalgate.persistence.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;

/** {@link DocumentType}: documents go through BSON unchanged, and documents H2 wrote its own way still read. */
class DocumentTypeTest {

    private static Document message() {
        return new Document("_id", new ObjectId())
                .append("room", "consult-7")
                .append("seq", 42L)
                .append("count", 3)
                .append("score", 2.5)
                .append("from", null)
                .append("sent", Instant.ofEpochMilli(1_760_000_000_123L))
                .append("flag", true)
                .append("body", "hello, doctor \u00e9\u4e2d\ud83d\ude00")
                .append("tags", List.of("a", 1L, new Document("x", 1)))
                .append("meta", new Document("client", "web").append("nested", new Document("depth", 2)))
                .append("bytes", new BinData(new byte[] {1, 2, 3}))
                .append("uuid", UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"))
                .append("ts", new BsonTimestamp(5L))
                .append("dec", Decimal128.ONE);
    }

    @Test
    void aDocumentReadsBackEqual() {
        Document written = message();
        Object read = roundTrip(DocumentType.INSTANCE, DocumentType.INSTANCE, written);
        assertThat(read).isInstanceOf(Document.class);
        Document document = (Document) read;
        assertThat(document.keySet()).containsExactlyElementsOf(written.keySet());
        for (String key : written.keySet()) {
            assertThat(document.get(key)).as(key).isEqualTo(written.get(key));
        }
    }

    @Test
    void aDocumentWrittenByH2sOwnTypeStillReads() {
        Document written = new Document("room", "old").append("seq", 1L).append("body", "from before");
        assertThat(roundTrip(new ObjectDataType(), DocumentType.INSTANCE, written)).isEqualTo(written);
    }

    @Test
    void aDocumentHoldingAValueBsonCannotCarryIsWrittenAsH2WritesIt() {
        Document written = new Document("room", "odd").append("raw", new StringBuilder("not bson"));
        Object read = roundTrip(DocumentType.INSTANCE, new ObjectDataType(), written);
        assertThat(((Document) read).get("raw").toString()).isEqualTo("not bson");
    }

    @Test
    void otherValuesAreWrittenAsH2WritesThem() {
        assertThat(roundTrip(DocumentType.INSTANCE, new ObjectDataType(), "text")).isEqualTo("text");
        assertThat(roundTrip(DocumentType.INSTANCE, DocumentType.INSTANCE, 7L)).isEqualTo(7L);
    }

    @Test
    void valuesSideBySideInOneBufferKeepTheirBoundaries() {
        WriteBuffer buffer = new WriteBuffer();
        Document first = message();
        DocumentType.INSTANCE.write(buffer, first);
        DocumentType.INSTANCE.write(buffer, "between");
        DocumentType.INSTANCE.write(buffer, new Document("last", 1L));
        ByteBuffer bytes = buffer.getBuffer();
        bytes.flip();
        assertThat(((Document) DocumentType.INSTANCE.read(bytes)).get("room")).isEqualTo("consult-7");
        assertThat(DocumentType.INSTANCE.read(bytes)).isEqualTo("between");
        assertThat(DocumentType.INSTANCE.read(bytes)).isEqualTo(new Document("last", 1L));
        assertThat(bytes.hasRemaining()).isFalse();
    }

    private static Object roundTrip(ObjectDataType writer, ObjectDataType reader, Object value) {
        WriteBuffer buffer = new WriteBuffer();
        writer.write(buffer, value);
        ByteBuffer bytes = buffer.getBuffer();
        bytes.flip();
        Object read = reader.read(bytes);
        assertThat(bytes.hasRemaining()).isFalse();
        return read;
    }
}
