package dev.signalgate.persistence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The batching front of a {@link MessageStore}: what the gateway calls to store a message.
 *
 * <pre>{@code
 * MessageWriter writer = new MessageWriter(store);            // defaults: 256 messages, 2 ms, 5 s
 * writer.submit(NewMessage.chat(room, userId, tempId, body, meta, Instant.now()))
 *       .flatMap(stored -> room.broadcast(stored))             // seq known, message durable
 *       .onErrorResume(StoreUnavailableException.class, e -> replyRetryLater(tempId));
 * }</pre>
 *
 * <h2>Shape, and why</h2>
 * Submissions go into one queue, are grouped by {@code bufferTimeout(maxBatch, maxDelay)} and written
 * one batch at a time ({@code concatMap}, one write in flight):
 * <ul>
 * <li><b>Batches</b>, because a write's cost is mostly the round trip and the server's per-command
 *     work: one ordered {@code insertMany} of 256 costs little more than one insert.</li>
 * <li><b>One write in flight</b>, so that within a room seq order equals completion order: a batch is
 *     numbered after the previous one is stored, and the submissions of a batch complete in input order,
 *     after all of the previous batch's. The gateway can broadcast in completion order and members see
 *     seqs in order. A second concurrent batch would also race the first for the same seq numbers.</li>
 * <li><b>A small delay</b> (2 ms by default), because it is paid by every message when traffic is light.
 *     Under load it hardly matters: while one batch is written the next one fills up (the buffer is
 *     only handed over when the writer asks for it), so batches grow with load on their own.</li>
 * </ul>
 *
 * <h2>Contract</h2>
 * <ul>
 * <li>{@link #submit} is lazy: nothing is queued until the returned {@code Mono} is subscribed.</li>
 * <li>While a submission with a given (room, from, tempId) is queued or being written, another
 *     submission with the same key joins it and gets the same outcome instead of queueing a second
 *     write. Later retries are answered by the store's idempotency.</li>
 * <li>Every submission settles within {@code writeTimeout}: with the stored message, or with
 *     {@link StoreUnavailableException} (timeout, driver error with the cause attached, too many pending
 *     submissions, writer closed). The outcome of a failed submission is unknown; retry with the same
 *     tempId.</li>
 * <li>A batch write is bounded by {@code writeTimeout} too, so the writer moves on when the database is
 *     down; submissions whose outcome is already settled (timed out) are skipped rather than written
 *     late. Failures are handled per batch: the writer keeps working after any of them.</li>
 * <li>Nothing blocks. Outcomes are signalled on the driver's or the timer's threads, a batch's in
 *     order and before the next batch is written: keep the work done on them short (a broadcast is
 *     fine), or {@code publishOn} elsewhere, since it delays the next batch.</li>
 * </ul>
 *
 * @see WriterSettings
 */
public final class MessageWriter {

    private static final Logger log = LoggerFactory.getLogger(MessageWriter.class);

    private final MessageStore store;
    private final WriterSettings settings;
    private final Scheduler timers;
    private final Set<PendingWrite> pending = ConcurrentHashMap.newKeySet();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final ConcurrentMap<IdempotencyKey, PendingWrite> inFlight = new ConcurrentHashMap<>();
    private final Sinks.Empty<Void> stopped = Sinks.empty();
    private final FluxSink<PendingWrite> queue;
    private final Disposable pipeline;
    private volatile boolean closed;
    private volatile BatchListener listener = BatchListener.NONE;

    /**
     * Told how each batch write went, for metrics. Called on the writer's thread once per batch, before the
     * next batch is written: keep it quick; it must not block and should not throw (a throw is logged and
     * ignored). Never given message contents.
     */
    public interface BatchListener {

        /** Listens to nothing. */
        BatchListener NONE = new BatchListener() {
        };

        /** A batch of {@code size} submissions was stored, in {@code took}. */
        default void batchWritten(int size, Duration took) {
        }

        /** A batch of {@code size} submissions failed (they all fail with {@link StoreUnavailableException}). */
        default void batchFailed(int size, Throwable error) {
        }
    }

    /** A writer with {@link WriterSettings#defaults()}. */
    public MessageWriter(MessageStore store) {
        this(store, WriterSettings.defaults());
    }

    public MessageWriter(MessageStore store, WriterSettings settings) {
        this(store, settings, Schedulers.parallel());
    }

    /**
     * @param timers runs the batching delay and the submission timeouts; {@link Schedulers#parallel()}
     *        unless a test wants virtual time
     */
    public MessageWriter(MessageStore store, WriterSettings settings, Scheduler timers) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.timers = Objects.requireNonNull(timers, "timers");
        AtomicReference<FluxSink<PendingWrite>> sink = new AtomicReference<>();
        // Flux.create's sink serializes next() from many threads (event loops submit concurrently).
        // fairBackpressure: a full buffer waits for the writer's demand instead of overflowing.
        this.pipeline = Flux.<PendingWrite>create(sink::set, FluxSink.OverflowStrategy.BUFFER)
                .bufferTimeout(settings.maxBatch(), settings.maxDelay(), timers, true)
                .concatMap(this::write, 0)
                .subscribe(null, this::pipelineFailed, this::pipelineCompleted);
        this.queue = Objects.requireNonNull(sink.get(), "queue not connected");
    }

    /**
     * Stores a message through the next batch.
     *
     * @return the stored message (already stored, for a retry), or {@link StoreUnavailableException}
     */
    public Mono<StoredMessage> submit(NewMessage message) {
        Objects.requireNonNull(message, "message");
        return Mono.defer(() -> enqueue(message));
    }

    /** Sets the one listener told of batch writes; {@code null} removes it. */
    public void setBatchListener(@Nullable BatchListener listener) {
        this.listener = listener == null ? BatchListener.NONE : listener;
    }

    /** Submissions queued or being written, for metrics. */
    public int pendingCount() {
        return pendingCount.get();
    }

    /**
     * Graceful shutdown: stops accepting submissions ({@link StoreUnavailableException} from then on),
     * writes what is queued and completes when the last batch has settled. Submissions still unsettled
     * after {@code grace} fail with {@link StoreUnavailableException} and the writer stops at once.
     * Completes normally either way; calling it again is harmless.
     */
    public Mono<Void> drain(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        return Mono.defer(() -> {
            closed = true;
            queue.complete();
            return stopped.asMono().timeout(grace, Mono.<Void>fromRunnable(() -> {
                pipeline.dispose();
                failAllPending("message writer closed before the write completed");
            }), timers);
        });
    }

    private Mono<StoredMessage> enqueue(NewMessage message) {
        if (closed) {
            return Mono.error(new StoreUnavailableException("message writer is closed; not accepting " + describe(message)));
        }
        IdempotencyKey key = message.idempotencyKey();
        if (key != null) {
            PendingWrite running = inFlight.get(key);
            if (running != null) {
                return running.outcome();
            }
        }
        if (pendingCount.get() >= settings.maxPending()) {
            return Mono.error(new StoreUnavailableException("message writer has " + pendingCount.get()
                    + " submissions pending (max " + settings.maxPending() + "); not accepting " + describe(message)));
        }
        PendingWrite write = new PendingWrite(message, this::forget);
        if (key != null) {
            PendingWrite running = inFlight.putIfAbsent(key, write);
            if (running != null) {
                return running.outcome();
            }
        }
        pendingCount.incrementAndGet();
        pending.add(write);
        write.timeoutWith(timers.schedule(() -> write.fail(new StoreUnavailableException("message store did not confirm "
                + describe(message) + " within " + settings.writeTimeout() + "; outcome unknown, retry with the same tempId")),
                settings.writeTimeout().toNanos(), TimeUnit.NANOSECONDS));
        queue.next(write);
        return write.outcome();
    }

    private Mono<Void> write(List<PendingWrite> batch) {
        return Mono.defer(() -> {
            List<PendingWrite> live = new ArrayList<>(batch.size());
            for (PendingWrite write : batch) {
                if (!write.isSettled()) {
                    live.add(write);
                }
            }
            if (live.isEmpty()) {
                return Mono.empty();
            }
            List<NewMessage> messages = live.stream().map(PendingWrite::message).toList();
            long started = System.nanoTime();
            return Mono.defer(() -> store.appendAll(messages).collectList())
                    .timeout(settings.writeTimeout(), timers)
                    .doOnNext(stored -> {
                        settleInOrder(live, stored);
                        tellListener(l -> l.batchWritten(live.size(),
                                Duration.ofNanos(System.nanoTime() - started)));
                    })
                    .onErrorResume(error -> {
                        failBatch(live, error);
                        return Mono.empty();
                    })
                    .then();
        });
    }

    private static void settleInOrder(List<PendingWrite> live, List<StoredMessage> stored) {
        if (stored.size() != live.size()) {
            throw new IllegalStateException("store answered " + stored.size() + " messages for a batch of " + live.size());
        }
        for (int i = 0; i < live.size(); i++) {
            live.get(i).complete(stored.get(i));
        }
    }

    private void failBatch(List<PendingWrite> live, Throwable error) {
        String reason = error instanceof TimeoutException
                ? "message store did not write a batch of " + live.size() + " within " + settings.writeTimeout()
                : "message store failed to write a batch of " + live.size() + ": " + error;
        log.warn("{}; failing its submissions", reason);
        StoreUnavailableException failure = new StoreUnavailableException(reason + "; outcome unknown, retry with the same tempId", error);
        for (PendingWrite write : live) {
            write.fail(failure);
        }
        tellListener(l -> l.batchFailed(live.size(), error));
    }

    private void tellListener(Consumer<BatchListener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            log.warn("batch listener failed: {}", e.toString());
        }
    }

    private void forget(PendingWrite write) {
        if (pending.remove(write)) {
            pendingCount.decrementAndGet();
        }
        IdempotencyKey key = write.message().idempotencyKey();
        if (key != null) {
            inFlight.remove(key, write);
        }
    }

    private void failAllPending(String reason) {
        for (PendingWrite write : List.copyOf(pending)) {
            write.fail(new StoreUnavailableException(reason + ": " + describe(write.message())));
        }
    }

    /** Not expected: every batch recovers from its own errors. Fail fast instead of hanging submissions. */
    private void pipelineFailed(Throwable error) {
        log.error("message writer pipeline terminated; rejecting all submissions", error);
        closed = true;
        failAllPending("message writer stopped after an internal error (" + error + ")");
        stopped.tryEmitEmpty();
    }

    private void pipelineCompleted() {
        stopped.tryEmitEmpty();
    }

    private static String describe(NewMessage message) {
        @Nullable String tempId = message.tempId();
        return "message for room '" + message.room() + "'" + (tempId == null ? "" : " with tempId '" + tempId + "'");
    }
}
