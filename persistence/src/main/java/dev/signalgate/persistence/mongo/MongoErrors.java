package dev.signalgate.persistence.mongo;

import java.util.List;

import org.jspecify.annotations.Nullable;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;

/** Reading the driver's errors: codes, and which input of an ordered insert failed. */
final class MongoErrors {

    static final int DUPLICATE_KEY = 11000;
    static final int INDEX_OPTIONS_CONFLICT = 85;
    static final int INDEX_KEY_SPECS_CONFLICT = 86;

    /** The first failed input of a bulk write: its position in the request, the server's code and message. */
    record WriteFailure(int index, int code, String message) {

        boolean isDuplicateKey() {
            return code == DUPLICATE_KEY;
        }
    }

    private MongoErrors() {
    }

    /**
     * The failed input of an ordered insert, or null when the error is not about one input (network,
     * timeout, write concern): then nothing can be said about which inputs were stored.
     */
    static @Nullable WriteFailure firstWriteFailure(Throwable error) {
        if (error instanceof MongoBulkWriteException bulk) {
            List<BulkWriteError> errors = bulk.getWriteErrors();
            if (errors.isEmpty() || bulk.getWriteConcernError() != null) {
                return null;
            }
            BulkWriteError first = errors.get(0);
            for (BulkWriteError candidate : errors) {
                if (candidate.getIndex() < first.getIndex()) {
                    first = candidate;
                }
            }
            return new WriteFailure(first.getIndex(), first.getCode(), first.getMessage());
        }
        if (error instanceof MongoWriteException single) {
            return new WriteFailure(0, single.getError().getCode(), single.getError().getMessage());
        }
        return null;
    }

    /** The server's error code found in the cause chain (Spring wraps driver exceptions), or -1. */
    static int code(Throwable error) {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < 16; depth++, cause = cause.getCause()) {
            if (cause instanceof MongoBulkWriteException bulk && !bulk.getWriteErrors().isEmpty()) {
                return bulk.getWriteErrors().get(0).getCode();
            }
            if (cause instanceof MongoException mongo) {
                return mongo.getCode();
            }
        }
        return -1;
    }

    static boolean isDuplicateKey(Throwable error) {
        return code(error) == DUPLICATE_KEY;
    }
}
