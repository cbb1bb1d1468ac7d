package dev.signalgate.persistence;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One submission of {@link MessageWriter}: the message, where it is (queued, handed to the store, settled) and
 * its single outcome.
 *
 * <p>The outcome is settled exactly once, by whichever comes first: the batch write, the submission's own
 * deadlines, or the writer being drained. Everyone who joined the submission (in-flight duplicates) sees the
 * same outcome. {@link #shed} only succeeds while the submission is still queued: once its batch is handed to
 * the store, the outcome is the store's (or unknown, on a timeout), never "not written".
 */
final class PendingWrite {

    private static final int QUEUED = 0;
    private static final int WRITING = 1;
    private static final int SETTLED = 2;

    private final NewMessage message;
    /** When it was queued, in the writer's timer clock (nanoseconds). */
    private final long queuedAt;
    private final Sinks.One<StoredMessage> outcome = Sinks.one();
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    private final Consumer<PendingWrite> onSettled;
    private volatile @Nullable Disposable timer;

    PendingWrite(NewMessage message, long queuedAt, Consumer<PendingWrite> onSettled) {
        this.message = message;
        this.queuedAt = queuedAt;
        this.onSettled = onSettled;
    }

    NewMessage message() {
        return message;
    }

    long queuedAt() {
        return queuedAt;
    }

    Mono<StoredMessage> outcome() {
        return outcome.asMono();
    }

    boolean isSettled() {
        return state.get() == SETTLED;
    }

    /** Marks it as handed to the store; false when it is already settled (timed out, shed, drained). */
    boolean startWriting() {
        return state.compareAndSet(QUEUED, WRITING);
    }

    /** Replaces the deadline timer; a timer set after settling is disposed at once. */
    void timeoutWith(Disposable next) {
        this.timer = next;
        if (isSettled()) {
            next.dispose();
        }
    }

    void complete(StoredMessage stored) {
        if (settle(WRITING) || settle(QUEUED)) {
            outcome.tryEmitValue(stored);
        }
    }

    void fail(Throwable error) {
        if (settle(WRITING) || settle(QUEUED)) {
            outcome.tryEmitError(error);
        }
    }

    /** Fails it only if the store has not seen it yet; true when it did. */
    boolean shed(Throwable error) {
        if (settle(QUEUED)) {
            outcome.tryEmitError(error);
            return true;
        }
        return false;
    }

    /** Claims the outcome; the clean-up runs before subscribers hear of it, so a follow-up submit starts afresh. */
    private boolean settle(int from) {
        if (!state.compareAndSet(from, SETTLED)) {
            return false;
        }
        Disposable current = timer;
        if (current != null) {
            current.dispose();
        }
        onSettled.accept(this);
        return true;
    }
}
