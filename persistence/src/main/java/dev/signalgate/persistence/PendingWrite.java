package dev.signalgate.persistence;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One submission of {@link MessageWriter}: the message and its single outcome.
 *
 * <p>The outcome is settled exactly once, by whichever comes first: the batch write, the submission's
 * own timeout, or the writer being drained. Everyone who joined the submission (in-flight duplicates)
 * sees the same outcome.
 */
final class PendingWrite {

    private final NewMessage message;
    private final Sinks.One<StoredMessage> outcome = Sinks.one();
    private final AtomicBoolean settled = new AtomicBoolean();
    private final Consumer<PendingWrite> onSettled;
    private volatile @Nullable Disposable timeout;

    PendingWrite(NewMessage message, Consumer<PendingWrite> onSettled) {
        this.message = message;
        this.onSettled = onSettled;
    }

    NewMessage message() {
        return message;
    }

    Mono<StoredMessage> outcome() {
        return outcome.asMono();
    }

    boolean isSettled() {
        return settled.get();
    }

    void timeoutWith(Disposable timer) {
        this.timeout = timer;
        if (settled.get()) {
            timer.dispose();
        }
    }

    void complete(StoredMessage stored) {
        if (settle()) {
            outcome.tryEmitValue(stored);
        }
    }

    void fail(Throwable error) {
        if (settle()) {
            outcome.tryEmitError(error);
        }
    }

    /** Claims the outcome; the clean-up runs before subscribers hear of it, so a follow-up submit starts afresh. */
    private boolean settle() {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        Disposable timer = timeout;
        if (timer != null) {
            timer.dispose();
        }
        onSettled.accept(this);
        return true;
    }
}
