package dev.signalgate.persistence.mongo;

/**
 * Told how each {@link MongoMessageStore#appendAll} call went, for metrics. Called once per successful call,
 * on the driver's thread, before the call's messages are emitted: keep it quick, it must not block. Never
 * given message contents.
 */
public interface AppendListener {

    /** Listens to nothing. */
    AppendListener NONE = (size, retriesResolved, roundTrips) -> {
    };

    /**
     * @param size inputs of the call
     * @param retriesResolved inputs answered with a message that was already stored (a retry of an earlier
     *        write), found by the call's bulk look-up
     * @param roundTrips database commands the call sent: inserts, look-ups of retries and reads of a room's top
     */
    void appended(int size, int retriesResolved, int roundTrips);
}
