package dev.signalgate.persistence.property;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.signalgate.persistence.MessageStore;
import dev.signalgate.persistence.NewMessage;
import dev.signalgate.persistence.StoredMessage;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A real {@link MessageStore} with faults injected into its next batch writes: the failures a test cannot cause
 * on a healthy database on demand. Reads pass through untouched.
 *
 * <p>Each armed fault applies to one {@link #appendAll} call, in arming order; calls with no fault armed go
 * straight to the real store.
 */
final class FaultyStore implements MessageStore {

    /** What goes wrong with one batch write. */
    enum Fault {
        /** The write never reaches the database: an error comes back at once. */
        FAILS_BEFORE_WRITING,
        /** The batch is stored, then the answer is lost: the caller sees an error although the write landed. */
        FAILS_AFTER_WRITING,
        /** The batch is stored, but the answer comes later than the writer waits: a timeout that landed. */
        ANSWERS_TOO_LATE
    }

    /** The error a failing write reports, as a driver error would. */
    static final class InjectedFailure extends RuntimeException {
        InjectedFailure(Fault fault) {
            super("injected: " + fault, null, false, false);
        }
    }

    private final MessageStore real;
    private final Duration lateBy;
    private final Queue<Fault> armed = new ConcurrentLinkedQueue<>();
    private final AtomicInteger injected = new AtomicInteger();

    /** @param lateBy how late {@link Fault#ANSWERS_TOO_LATE} answers: more than the writer's write timeout */
    FaultyStore(MessageStore real, Duration lateBy) {
        this.real = real;
        this.lateBy = lateBy;
    }

    void arm(Fault fault) {
        armed.add(fault);
    }

    void disarm() {
        armed.clear();
    }

    int faultsInjected() {
        return injected.get();
    }

    @Override
    public Flux<StoredMessage> appendAll(List<NewMessage> batch) {
        return Flux.defer(() -> {
            Fault fault = armed.poll();
            if (fault == null) {
                return real.appendAll(batch);
            }
            injected.incrementAndGet();
            return switch (fault) {
                case FAILS_BEFORE_WRITING -> Flux.error(new InjectedFailure(fault));
                case FAILS_AFTER_WRITING -> real.appendAll(batch).collectList()
                        .then(Mono.<StoredMessage>error(new InjectedFailure(fault))).flux();
                case ANSWERS_TOO_LATE -> real.appendAll(batch).collectList()
                        .delayElement(lateBy)
                        .flatMapMany(Flux::fromIterable);
            };
        });
    }

    @Override
    public Flux<StoredMessage> after(String room, long sinceSeq, int limit) {
        return real.after(room, sinceSeq, limit);
    }

    @Override
    public Flux<StoredMessage> before(String room, @Nullable Long beforeSeq, int limit) {
        return real.before(room, beforeSeq, limit);
    }

    @Override
    public Mono<Long> lastSeq(String room) {
        return real.lastSeq(room);
    }

    @Override
    public Mono<StoredMessage> findByTempId(String room, @Nullable String from, String tempId) {
        return real.findByTempId(room, from, tempId);
    }
}
