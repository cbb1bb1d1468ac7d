package dev.signalgate.persistence.embedded;

import java.nio.ByteBuffer;
import java.util.Map;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;

/**
 * How {@link SortedIndexH2Backend} stores documents: as BSON, with mongo-java-server's own wire codec, behind
 * a marker byte above H2's type tags.
 *
 * <p>Why: H2's {@link ObjectDataType} does not know mongo-java-server's {@link Document}, so it wrote every
 * document with Java serialization (an object stream, its handle table and class descriptors per document):
 * under a steady chat load that was a tenth of everything the gateway allocated, and the store's background
 * writer's main work. BSON is what the documents arrived as, so it holds every value they can contain.
 *
 * <p>Documents written by the stock backend, or by an earlier version, are still read as H2 wrote them; they
 * are written as BSON when next rewritten.
 */
final class DocumentType extends ObjectDataType {

    static final DocumentType INSTANCE = new DocumentType();

    /** H2's tags stop at 119; {@link IndexEntryType} takes 0xF0 and 0xF1. */
    private static final byte BSON_DOCUMENT = (byte) 0xF2;

    /** One encoding buffer per writing thread (H2's background writer, or a committing store thread). */
    private static final ThreadLocal<ByteBuf> SCRATCH = ThreadLocal.withInitial(
            () -> new UnpooledHeapByteBuf(UnpooledByteBufAllocator.DEFAULT, 1024, Integer.MAX_VALUE));
    private static final int SCRATCH_KEPT = 64 * 1024;

    private DocumentType() {
    }

    @Override
    public int getMemory(Object value) {
        if (value instanceof Document document) {
            return estimate(document);
        }
        return super.getMemory(value);
    }

    /** A rough heap size, cheap to compute: H2 only uses it to size its page cache. */
    private static int estimate(Map<String, ?> document) {
        int memory = 48;
        for (Map.Entry<String, ?> entry : document.entrySet()) {
            memory += 48 + 2 * entry.getKey().length();
            Object value = entry.getValue();
            if (value instanceof String text) {
                memory += 40 + text.length();
            } else if (value instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, ?> subdocument = (Map<String, ?>) nested;
                memory += estimate(subdocument);
            } else {
                memory += 24;
            }
        }
        return memory;
    }

    @Override
    public void write(WriteBuffer buffer, Object value) {
        if (!(value instanceof Document document)) {
            super.write(buffer, value);
            return;
        }
        ByteBuf scratch = SCRATCH.get();
        scratch.clear();
        try {
            BsonEncoder.encodeDocument(document, scratch);
        } catch (RuntimeException notBson) {
            // A value the wire codec does not know (none arrive from the wire; a document built in-process could
            // hold one): stored as H2 stores any object, and read back either way.
            super.write(buffer, value);
            return;
        }
        int length = scratch.readableBytes();
        buffer.put(BSON_DOCUMENT).putVarInt(length).put(scratch.array(), scratch.arrayOffset(), length);
        if (scratch.capacity() > SCRATCH_KEPT) {
            SCRATCH.remove();
            scratch.release();
        }
    }

    @Override
    public Object read(ByteBuffer buffer) {
        if (buffer.get(buffer.position()) != BSON_DOCUMENT) {
            return super.read(buffer);
        }
        buffer.get();
        int length = DataUtils.readVarInt(buffer);
        int start = buffer.position();
        Document document = BsonDecoder.decodeBson(Unpooled.wrappedBuffer(buffer.slice(start, length)));
        buffer.position(start + length);
        return document;
    }
}
