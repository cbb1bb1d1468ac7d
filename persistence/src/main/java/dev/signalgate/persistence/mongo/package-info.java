/**
 * MongoDB implementations of the stores, on Spring Data's {@code ReactiveMongoTemplate}.
 *
 * <p>Collections: {@code messages} (see {@link dev.signalgate.persistence.mongo.MessageDocuments}),
 * {@code read_marks}, and {@code room_seqs} when retention is on. Indexes are created by each store's
 * {@code ensureIndexes()}, which the application calls once at start-up.
 */
@NullMarked
package dev.signalgate.persistence.mongo;

import org.jspecify.annotations.NullMarked;
