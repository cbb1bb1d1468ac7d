package dev.signalgate.persistence.embedded;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Set;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.jspecify.annotations.Nullable;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.DuplicateKeyError;

/**
 * A unique index of {@link SortedIndexH2Backend}: an H2 map from key to document position, sorted by
 * {@link IndexEntryType}, which also answers queries on a prefix of its keys.
 *
 * <p>mongo-java-server's unique indexes answer only queries that give every key an exact value; anything
 * else scans the whole collection. The message store's resume, history and highest-seq queries are
 * {@code {room: r}} or {@code {room: r, seq: {$gt: n}}} on the (room, seq) index, so on the stock backend
 * each of them read every message of every room. Here they read the room's range of the index. The
 * positions returned are a superset of the matches (the collection still applies the whole query to each
 * document), so the index only has to be exact about what it leaves out: keys of other rooms, and seq
 * values that fail a plain numeric bound.
 */
final class SortedUniqueIndex extends AbstractUniqueIndex<Object> {

    private final MVMap<KeyValue, Object> map;
    private final @Nullable String[] topLevelFields;

    SortedUniqueIndex(String name, MVMap<KeyValue, Object> map, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
        this.map = map;
        this.topLevelFields = keys.stream().anyMatch(key -> key.getKey().contains("."))
                ? null
                : keys.stream().map(IndexKey::getKey).toArray(String[]::new);
    }

    /**
     * The stock key extraction builds a map, a list and two streams per index per document, on every check
     * and every insert: a quarter of what the gateway allocated under a steady chat load. Indexes on
     * top-level fields holding plain values (the message store's: strings and numbers) take this shortcut,
     * which gives the same key; anything else (a dotted path, an array, a subdocument) goes the stock way.
     */
    @Override
    public Set<KeyValue> getKeyValues(Document document) {
        if (topLevelFields == null) {
            return super.getKeyValues(document);
        }
        Object[] values = new Object[topLevelFields.length];
        for (int i = 0; i < values.length; i++) {
            Object value = document.get(topLevelFields[i]);
            if (value instanceof Map || value instanceof Collection) {
                return super.getKeyValues(document);
            }
            values[i] = normalized(value);
        }
        return Collections.singleton(new KeyValue(values));
    }

    /** The stock extraction, for tests that compare the shortcut with it. */
    Set<KeyValue> stockKeyValues(Document document) {
        return super.getKeyValues(document);
    }

    /** As mongo-java-server normalizes a plain key value: numbers compare as doubles, -0.0 as 0.0. */
    private static @Nullable Object normalized(@Nullable Object value) {
        if (value == null || value instanceof Missing) {
            return null;
        }
        if (value instanceof Long number && number.longValue() != (long) number.doubleValue()) {
            return number;
        }
        if (value instanceof Number number) {
            double asDouble = number.doubleValue();
            return asDouble == 0.0 ? 0.0 : asDouble;
        }
        return value;
    }

    /**
     * The collection has just run {@link #checkAdd} on every index, under its lock, before it calls this;
     * the stock {@code add} runs it again, a third B-tree search per key. The insert itself still refuses
     * a taken key.
     */
    @Override
    public synchronized void add(Document document, Object position, MongoCollection<Object> collection) {
        if (isSparse()) {
            super.add(document, position, collection);
            return;
        }
        for (KeyValue key : getKeyValues(document)) {
            if (!putKeyPosition(key, position)) {
                throw new DuplicateKeyError(this, collection, getKeys(), key);
            }
        }
    }

    @Override
    protected Object removeDocument(KeyValue key) {
        return map.remove(key);
    }

    @Override
    protected boolean putKeyPosition(KeyValue key, Object position) {
        return map.putIfAbsent(key, Missing.ofNullable(position)) == null;
    }

    @Override
    protected Iterable<Entry<KeyValue, Object>> getIterable() {
        return map.entrySet();
    }

    @Override
    protected Object getPosition(KeyValue key) {
        return map.get(key);
    }

    @Override
    public long getCount() {
        return map.sizeAsLong();
    }

    @Override
    public long getDataSize() {
        return getCount();
    }

    @Override
    public synchronized boolean canHandle(Document query) {
        return canHandleClause(query) || orClauses(query) != null;
    }

    @Override
    public synchronized Iterable<Object> getPositions(Document query) {
        List<Document> clauses = canHandleClause(query) ? null : orClauses(query);
        if (clauses == null) {
            return clausePositions(query);
        }
        LinkedHashSet<Object> union = new LinkedHashSet<>();
        for (Document clause : clauses) {
            clausePositions(clause).forEach(union::add);
        }
        return union;
    }

    private boolean canHandleClause(Document query) {
        return super.canHandle(query) || prefixQuery(query) != null;
    }

    private Iterable<Object> clausePositions(Document query) {
        PrefixQuery prefix = super.canHandle(query) ? null : prefixQuery(query);
        return prefix == null ? super.getPositions(query) : positions(prefix);
    }

    /**
     * The clauses of {@code {$or: [...]}} when this index answers each of them: the message store looks up a
     * batch's retry keys ({@code {$or: [{room, from, tempId}, ...]}}) in one query, which would otherwise scan
     * the collection.
     */
    private @Nullable List<Document> orClauses(Document query) {
        if (query.size() != 1 || !(query.get("$or") instanceof List<?> list) || list.isEmpty()) {
            return null;
        }
        List<Document> clauses = new ArrayList<>(list.size());
        for (Object element : list) {
            if (!(element instanceof Document clause) || !canHandleClause(clause)) {
                return null;
            }
            clauses.add(clause);
        }
        return clauses;
    }

    /** Not on a sparse index: it leaves out documents that lack a later key but match the prefix. */
    private @Nullable PrefixQuery prefixQuery(Document query) {
        return isSparse() ? null : PrefixQuery.of(query, keys());
    }

    /** In key order, each once: an array value gives a document one key per element. */
    private Iterable<Object> positions(PrefixQuery query) {
        LinkedHashSet<Object> positions = new LinkedHashSet<>();
        KeyValue start = query.prefix();
        Cursor<KeyValue, Object> cursor = map.cursor(start);
        while (cursor.hasNext()) {
            KeyValue key = cursor.next();
            if (!query.hasPrefix(key)) {
                break;
            }
            if (query.mayMatch(key)) {
                positions.add(cursor.getValue());
            }
        }
        return positions;
    }

    /**
     * Exact string values for the first keys of the index, and at most a comparison on the next one; the
     * shape the message store asks for.
     */
    private record PrefixQuery(KeyValue prefix, @Nullable Map<String, Object> bounds) {

        private static final List<String> BOUNDS = List.of("$gt", "$gte", "$lt", "$lte");
        /** Doubles hold every integer up to this exactly; past it a numeric bound is left to the collection. */
        private static final long EXACT = 1L << 53;

        static @Nullable PrefixQuery of(Document query, List<String> indexKeys) {
            if (query.isEmpty() || query.size() > indexKeys.size()) {
                return null;
            }
            List<Object> prefix = new ArrayList<>();
            Map<String, Object> bounds = null;
            for (String key : indexKeys) {
                if (!query.containsKey(key)) {
                    break;
                }
                Object value = query.get(key);
                if (value instanceof String text && bounds == null) {
                    prefix.add(text);
                } else if (value instanceof Document range && bounds == null && !prefix.isEmpty() && isBounds(range)) {
                    bounds = range;
                } else {
                    return null;
                }
            }
            int used = prefix.size() + (bounds == null ? 0 : 1);
            if (prefix.isEmpty() || used != query.size()) {
                return null;
            }
            return new PrefixQuery(new KeyValue(prefix), bounds);
        }

        private static boolean isBounds(Document range) {
            if (range.isEmpty()) {
                return false;
            }
            for (Map.Entry<String, Object> bound : range.entrySet()) {
                if (!BOUNDS.contains(bound.getKey()) || !isExactNumber(bound.getValue())) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isExactNumber(Object value) {
            return value instanceof Integer
                    || value instanceof Long number && Math.abs(number) <= EXACT
                    || value instanceof Double number && !number.isNaN();
        }

        boolean hasPrefix(KeyValue key) {
            if (key.size() <= prefix.size()) {
                return false;
            }
            for (int i = 0; i < prefix.size(); i++) {
                if (!prefix.get(i).equals(key.get(i))) {
                    return false;
                }
            }
            return true;
        }

        /** False only for a number that fails a bound; anything else is left to the collection's matcher. */
        boolean mayMatch(KeyValue key) {
            if (bounds == null || !(key.get(prefix.size()) instanceof Number number)
                    || number instanceof Long big && Math.abs(big) > EXACT
                    || Double.isNaN(number.doubleValue())) {
                return true;
            }
            double value = number.doubleValue();
            for (Map.Entry<String, Object> bound : bounds.entrySet()) {
                double limit = ((Number) bound.getValue()).doubleValue();
                boolean holds = switch (bound.getKey()) {
                    case "$gt" -> value > limit;
                    case "$gte" -> value >= limit;
                    case "$lt" -> value < limit;
                    default -> value <= limit;
                };
                if (!holds) {
                    return false;
                }
            }
            return true;
        }
    }
}
