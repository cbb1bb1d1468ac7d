package dev.signalgate.persistence.embedded;

import java.nio.ByteBuffer;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.ObjectId;

/**
 * How {@link SortedIndexH2Backend} orders and stores index entries: keys ({@link KeyValue}) and positions
 * (the documents' {@code _id}, mostly {@link ObjectId}).
 *
 * <p>Why: H2's {@link ObjectDataType} knows neither class, so it falls back to Java serialization: on every
 * comparison of a B-tree lookup (both keys serialized; 88% of the embedded server's CPU under chat load)
 * and for every entry of every page it writes. Here a key compares element by element, each element in
 * H2's order for single values (strings, numbers … by value; values of different classes by class), then
 * shorter first; ObjectIds compare by their bytes. Two keys are equal exactly when they were equal
 * before. Keys and ObjectIds are written as a marker byte above H2's own type tags and their parts; any
 * other value as H2 writes it.
 */
final class IndexEntryType extends ObjectDataType {

    static final IndexEntryType INSTANCE = new IndexEntryType();

    /** H2's tags stop at 119 (byte arrays of 0 to 15 bytes). */
    private static final byte KEY_VALUE = (byte) 0xF0;
    private static final byte OBJECT_ID = (byte) 0xF1;
    private static final int OBJECT_ID_BYTES = 12;

    private IndexEntryType() {
    }

    @Override
    public int compare(Object a, Object b) {
        if (a instanceof KeyValue left && b instanceof KeyValue right) {
            int shared = Math.min(left.size(), right.size());
            for (int i = 0; i < shared; i++) {
                int order = compareValues(left.get(i), right.get(i));
                if (order != 0) {
                    return order;
                }
            }
            return Integer.compare(left.size(), right.size());
        }
        return compareValues(a, b);
    }

    /** Same-class shortcuts for the common values; H2 orders different classes by class first. */
    private int compareValues(Object a, Object b) {
        if (a instanceof String left && b instanceof String right) {
            return left.compareTo(right);
        }
        if (a instanceof Double left && b instanceof Double right) {
            return left.compareTo(right);
        }
        if (a instanceof ObjectId left && b instanceof ObjectId right) {
            return left.compareTo(right);
        }
        return super.compare(a, b);
    }

    @Override
    public int getMemory(Object value) {
        if (value instanceof KeyValue key) {
            int memory = 24 + 8 * key.size();
            for (Object element : key) {
                memory += getMemory(element);
            }
            return memory;
        }
        return value instanceof ObjectId ? 40 : super.getMemory(value);
    }

    @Override
    public void write(WriteBuffer buffer, Object value) {
        if (value instanceof KeyValue key) {
            buffer.put(KEY_VALUE).putVarInt(key.size());
            for (Object element : key) {
                write(buffer, element);
            }
        } else if (value instanceof ObjectId id) {
            buffer.put(OBJECT_ID).put(id.toByteArray());
        } else {
            super.write(buffer, value);
        }
    }

    @Override
    public Object read(ByteBuffer buffer) {
        byte marker = buffer.get(buffer.position());
        if (marker == KEY_VALUE) {
            buffer.get();
            int size = DataUtils.readVarInt(buffer);
            Object[] elements = new Object[size];
            for (int i = 0; i < size; i++) {
                elements[i] = read(buffer);
            }
            return new KeyValue(elements);
        }
        if (marker == OBJECT_ID) {
            buffer.get();
            byte[] bytes = new byte[OBJECT_ID_BYTES];
            buffer.get(bytes);
            return new ObjectId(bytes);
        }
        return super.read(buffer);
    }
}
