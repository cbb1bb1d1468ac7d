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
 *     write. Later retries are answered from the messages stored recently, or by the store's idempotency.</li>
 * <li>Every submission settles within {@code writeTimeout}: with the stored message, or with
 *     {@link StoreUnavailableException} (timeout, driver error with the cause attached, too many pending
 *     submissions, writer closed). The outcome of a failed submission is unknown; retry with the same
 *     tempId.</li>
 * <li>A batch write is bounded by its oldest submission's remaining time, so the writer moves on when the
 *     database is down; submissions whose outcome is already settled (timed out) are skipped rather than
 *     written late. Failures are handled per batch: the writer keeps working after any of them.</li>
 * <li>Nothing blocks. Outcomes are signalled on the driver's or the timer's threads, a batch's in
 *     order and before the next batch is written: keep the work done on them short (a broadcast is
 *     fine), or {@code publishOn} elsewhere, since it delays the next batch.</li>
 * </ul>
 *
 * <h2>Admission: new traffic is not starved by a backlog</h2>
 * A slow store makes messages time out, timed-out messages are retried, and retries add to the load: left
 * alone, a store that stalled for longer than the timeout could stay behind long after the stall ended. So:
 * <ul>
 * <li><b>The queue is bounded by time as well as count.</b> A submission still queued after
 *     {@link WriterSettings#queueAgeLimit() maxQueueAge} (half the write timeout by default) is shed: it fails
 *     at once, never handed to the store, so its sender can retry while the writer spends its writes on
 *     messages that can still make their deadline. Shedding happens on the submission's own timer (answered
 *     on time even while a write hangs) and again when a write is assembled.</li>
 * <li><b>The write size adapts</b> ({@link BatchLimit}): a failed write drops the limit to
 *     {@link WriterSettings#minBatch()} and every successful one doubles it. After an outage the first writes
 *     are small probes, and the limit is back at {@code maxBatch} within a handful of writes: the store
 *     recovers by itself. (Slow writes do not shrink it: under CPU contention that collapses throughput.)</li>
 * <li>Retries are cheap: a retry of one of the messages this writer stored last is answered from memory
 *     ({@link RecentlyStored}, {@link WriterSettings#recentlyStored()}) without queueing behind new messages;
 *     any other retry costs the store little ({@code MongoMessageStore} resolves all retries of a write with
 *     one look-up), about as much as a new message.</li>
 * </ul>
 *
 * @see WriterSettings
 */
public final class MessageWriter {

    private static final Logger log = LoggerFactory.getLogger(MessageWriter.class);

    private final MessageStore store;
    private final WriterSettings settings;
    private final Scheduler timers;
    private final BatchLimit limit;
    private final RecentlyStored recent;
    private final Set<PendingWrite> pending = ConcurrentHashMap.newKeySet();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final ConcurrentMap<IdempotencyKey, PendingWrite> inFlight = new ConcurrentHashMap<>();
    private final Sinks.Empty<Void> stopped = Sinks.empty();
    private final FluxSink<PendingWrite> queue;
    private final Disposable pipeline;
    private volatile boolean closed;
    private volatile BatchListener listener = BatchListener.NONE;

    /**
     * Told how the writer's batches and submissions went, for metrics. Called on the writer's or the timer's
     * threads: keep it quick; it must not block and should not throw (a throw is logged and ignored). Never given
     * message contents.
     */
    public interface BatchListener {

        /** Listens to nothing. */
        BatchListener NONE = new BatchListener() {
        };

        /**
         * A write of {@code size} submissions is handed to the store; the oldest of them was queued for
         * {@code oldestWait}.
         */
        default void batchStarted(int size, Duration oldestWait) {
        }

        /** A batch of {@code size} submissions was stored, in {@code took}. */
        default void batchWritten(int size, Duration took) {
        }

        /** A batch of {@code size} submissions failed (they all fail with {@link StoreUnavailableException}). */
        default void batchFailed(int size, Throwable error) {
        }

        /** {@code count} submissions were shed: queued longer than the queue-age bound, failed unwritten. */
        default void shed(int count) {
        }

        /** {@code count} submissions were retries of a message this writer stored recently, answered from memory. */
        default void answeredFromMemory(int count) {
        }

        /**
         * {@code count} submissions failed because their write did not finish in time (their batch timed out,
         * or their own deadline passed while it was written): their outcome is unknown.
         */
        default void timedOut(int count) {
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
        this.limit = new BatchLimit(settings.minBatch(), settings.maxBatch());
        this.recent = new RecentlyStored(settings.recentlyStored(), WriterSettings.RECENTLY_STORED_MAX_CHARS);
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

    /** The current adaptive limit of messages per write (between {@link WriterSettings#minBatch()} and maxBatch). */
    public int batchLimit() {
        return limit.current();
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
            StoredMessage stored = recent.get(key);
            if (stored != null) {
                tellListener(l -> l.answeredFromMemory(1));
                return Mono.just(stored);
            }
        }
        if (pendingCount.get() >= settings.maxPending()) {
            return Mono.error(new StoreUnavailableException("message writer has " + pendingCount.get()
                    + " submissions pending (max " + settings.maxPending() + "); not accepting " + describe(message)));
        }
        PendingWrite write = new PendingWrite(message, timers.now(TimeUnit.NANOSECONDS), this::forget);
        if (key != null) {
            PendingWrite running = inFlight.putIfAbsent(key, write);
            if (running != null) {
                return running.outcome();
            }
        }
        pendingCount.incrementAndGet();
        pending.add(write);
        // One timer at a time: the queue-age bound first; only a submission already being written by then
        // (rare: a healthy write takes milliseconds) gets a second one for the rest of its deadline.
        write.timeoutWith(timers.schedule(() -> queueAgeReached(write),
                settings.queueAgeLimit().toNanos(), TimeUnit.NANOSECONDS));
        queue.next(write);
        return write.outcome();
    }

    private void queueAgeReached(PendingWrite write) {
        if (write.shed(shedFailure(write))) {
            tellListener(l -> l.shed(1));
            return;
        }
        if (!write.isSettled()) {
            Duration rest = settings.writeTimeout().minus(settings.queueAgeLimit());
            write.timeoutWith(timers.schedule(() -> deadlinePassed(write), rest.toNanos(), TimeUnit.NANOSECONDS));
        }
    }

    private void deadlinePassed(PendingWrite write) {
        if (!write.isSettled()) {
            write.fail(new StoreUnavailableException("message store did not confirm " + describe(write.message())
                    + " within " + settings.writeTimeout() + "; outcome unknown, retry with the same tempId"));
            tellListener(l -> l.timedOut(1));
        }
    }

    private StoreUnavailableException shedFailure(PendingWrite write) {
        return new StoreUnavailableException("message writer is behind: " + describe(write.message()) + " waited "
                + settings.queueAgeLimit() + " in its queue and was not written; retry with the same tempId");
    }

    /**
     * Writes one buffer of submissions as writes of at most the current {@link BatchLimit}, one after another.
     * Just before each write, submissions already settled (timed out) are skipped and those queued longer than
     * the queue-age bound are shed: neither reaches the store late.
     */
    private Mono<Void> write(List<PendingWrite> batch) {
        return Mono.defer(() -> writeFrom(batch, 0));
    }

    private Mono<Void> writeFrom(List<PendingWrite> batch, int from) {
        int max = limit.current();
        long now = timers.now(TimeUnit.NANOSECONDS);
        long maxAge = settings.queueAgeLimit().toNanos();
        List<PendingWrite> live = new ArrayList<>(Math.min(max, batch.size() - from));
        int shed = 0;
        int next = from;
        while (next < batch.size() && live.size() < max) {
            PendingWrite write = batch.get(next++);
            if (now - write.queuedAt() > maxAge) {
                if (write.shed(shedFailure(write))) {
                    shed++;
                }
            } else if (write.startWriting()) {
                live.add(write);
            }
        }
        if (shed > 0) {
            int count = shed;
            tellListener(l -> l.shed(count));
        }
        if (live.isEmpty()) {
            return next < batch.size() ? writeFrom(batch, next) : Mono.empty();
        }
        int rest = next;
        return writeLive(live, now).then(Mono.defer(() -> rest < batch.size() ? writeFrom(batch, rest) : Mono.empty()));
    }

    private Mono<Void> writeLive(List<PendingWrite> live, long now) {
        long oldestQueued = Long.MAX_VALUE;
        for (PendingWrite write : live) {
            oldestQueued = Math.min(oldestQueued, write.queuedAt());
        }
        long oldestWait = Math.max(0, now - oldestQueued);
        tellListener(l -> l.batchStarted(live.size(), Duration.ofNanos(oldestWait)));
        List<NewMessage> messages = live.stream().map(PendingWrite::message).toList();
        // Bounded by the oldest submission's remaining time: when the write is that late, all of its
        // submissions fail together instead of some timing out while the rest wait on.
        Duration timeout = settings.writeTimeout().minusNanos(oldestWait);
        long started = System.nanoTime();
        return Mono.defer(() -> store.appendAll(messages).collectList())
                .timeout(timeout, timers)
                .doOnNext(stored -> {
                    long took = System.nanoTime() - started;
                    limit.written();
                    settleInOrder(live, stored);
                    tellListener(l -> l.batchWritten(live.size(), Duration.ofNanos(took)));
                })
                .onErrorResume(error -> {
                    limit.failed();
                    failBatch(live, error);
                    return Mono.empty();
                })
                .then();
    }

    private void settleInOrder(List<PendingWrite> live, List<StoredMessage> stored) {
        if (stored.size() != live.size()) {
            throw new IllegalStateException("store answered " + stored.size() + " messages for a batch of " + live.size());
        }
        for (int i = 0; i < live.size(); i++) {
            PendingWrite write = live.get(i);
            IdempotencyKey key = write.message().idempotencyKey();
            if (key != null) {
                recent.put(key, stored.get(i));
            }
            write.complete(stored.get(i));
        }
    }

    private void failBatch(List<PendingWrite> live, Throwable error) {
        String reason = error instanceof TimeoutException
                ? "message store did not write a batch of " + live.size() + " before its oldest message's "
                        + settings.writeTimeout() + " deadline"
                : "message store failed to write a batch of " + live.size() + ": " + error;
        log.warn("{}; failing its submissions", reason);
        int failed = 0;
        for (PendingWrite write : live) {
            if (!write.isSettled()) {
                write.fail(new StoreUnavailableException(reason + " (" + describe(write.message())
                        + "); outcome unknown, retry with the same tempId", error));
                failed++;
            }
        }
        tellListener(l -> l.batchFailed(live.size(), error));
        if (error instanceof TimeoutException && failed > 0) {
            int count = failed;
            tellListener(l -> l.timedOut(count));
        }
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
