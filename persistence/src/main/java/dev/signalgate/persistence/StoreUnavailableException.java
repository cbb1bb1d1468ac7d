package dev.signalgate.persistence;

/**
 * The store did not confirm a write in time, or failed. The outcome is unknown: the message may or may
 * not have been stored. Retrying with the same {@code tempId} is always safe, because the store keeps at
 * most one message per (room, from, tempId) and answers a retry with the message already stored.
 *
 * <p>The cause, when there is one, is the driver's error.
 */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
