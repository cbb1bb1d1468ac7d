package dev.signalgate.persistence.embedded;

import java.util.List;
import java.util.Map;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;

/**
 * mongo-java-server's H2 backend with unique indexes that are cheap to search and answer range queries:
 * {@link SortedUniqueIndex}, whose entries {@link IndexEntryType} orders and writes, and documents stored as
 * BSON ({@link DocumentType}) rather than Java-serialized. Collections and everything else are the stock
 * backend's, in the same maps: a file the stock backend wrote opens here with its data intact (not the other
 * way round once this backend has written to it).
 *
 * <p>The indexes live in maps named {@code <db>.<collection>._sorted_index_<name>}. A file written by the
 * stock backend has its indexes under {@code ._index_<name>}, sorted in the old order; they are copied into
 * the new maps once, when the index is first opened, and removed.
 */
final class SortedIndexH2Backend extends H2Backend {

    private static final String STOCK_INDEX = "._index_";
    private static final String SORTED_INDEX = "._sorted_index_";
    /** The stock backend's names for a collection's maps, which existing files use. */
    private static final String DOCUMENTS = "databases.";
    private static final String META = "meta.";

    SortedIndexH2Backend(MVStore store) {
        super(store);
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new Database(databaseName);
    }

    /**
     * An inner class because H2Database opens its indexes from its constructor, before a subclass could
     * keep the store in a field of its own; the enclosing backend has it.
     */
    private final class Database extends H2Database {

        Database(String name) {
            super(name, getMvStore(), getCursorRegistry());
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
                boolean sparse) {
            String namespace = getFullCollectionNamespace(collectionName);
            MVMap<KeyValue, Object> map = getMvStore().openMap(namespace + SORTED_INDEX + indexName,
                    new MVMap.Builder<KeyValue, Object>().keyType(IndexEntryType.INSTANCE).valueType(IndexEntryType.INSTANCE));
            migrateStockIndex(namespace + STOCK_INDEX + indexName, map);
            return new SortedUniqueIndex(indexName, map, keys, sparse);
        }

        /**
         * As the stock backend opens a collection, but with its documents stored as BSON ({@link DocumentType})
         * and their keys, the {@code _id}s, as {@link IndexEntryType} writes them (in the same order as before).
         */
        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            String namespace = getFullCollectionNamespace(collectionName);
            MVMap<Object, Document> documents = getMvStore().openMap(DOCUMENTS + namespace,
                    new MVMap.Builder<Object, Document>().keyType(IndexEntryType.INSTANCE).valueType(DocumentType.INSTANCE));
            MVMap<String, Object> meta = getMvStore().openMap(META + namespace);
            return new H2Collection(this, collectionName, options, documents, meta, getCursorRegistry());
        }

        @Override
        protected void dropIndex(MongoCollection<Object> collection, String indexName) {
            super.dropIndex(collection, indexName);
            getMvStore().removeMap(getFullCollectionNamespace(collection.getCollectionName()) + SORTED_INDEX + indexName);
        }

        private void migrateStockIndex(String stockName, MVMap<KeyValue, Object> sorted) {
            MVStore store = getMvStore();
            if (!store.hasMap(stockName)) {
                return;
            }
            MVMap<KeyValue, Object> stock = store.openMap(stockName);
            for (Map.Entry<KeyValue, Object> entry : stock.entrySet()) {
                sorted.put(entry.getKey(), entry.getValue());
            }
            store.removeMap(stock);
        }
    }
}
