package dev.signalgate.gateway.transport.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.connection.ConnectionEvents;
import dev.signalgate.gateway.connection.Frame;
import dev.signalgate.gateway.connection.Outbox;
import dev.signalgate.gateway.dispatch.Dispatcher;
import dev.signalgate.protocol.CloseCode;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One HTTP fallback session: a {@link Connection} whose outbox drains into an {@link EventBuffer} instead of a
 * socket, read by one event stream or long-poll at a time, and fed by POSTs.
 *
 * <p>The buffer takes frames from the outbox only while it holds fewer than the outbox's capacity: a client that
 * reads but never acknowledges (never resumes, never sends {@code ack}) backs its frames up into the outbox,
 * which closes the session with 4008 as it would a socket; the buffer's bytes count against
 * {@code gateway.outbound.max-unsent-bytes} like a socket's unsent bytes.
 *
 * <p>Liveness: a session with no reader attached for the idle timeout (ping interval plus ping timeout, the
 * longest a silent socket lives) is closed with 4000. Closing follows the socket's rules: 1001, 1008 and 4009
 * first drain what is queued; every close ends the buffer with a {@code close} event.
 */
final class HttpSession {

    static final String TRANSPORT = "http";

    private static final Logger log = LoggerFactory.getLogger(HttpSession.class);
    private static final Set<CloseCode> DRAIN_FIRST =
            EnumSet.of(CloseCode.GOING_AWAY, CloseCode.POLICY_VIOLATION, CloseCode.TOO_MANY_CONNECTIONS);

    /** What a POST did: frames run, frames skipped as repeats, and the close it caused, if any. */
    record Intake(int accepted, int duplicates, CloseCode closed) {
    }

    private final Connection connection;
    private final EventBuffer buffer = new EventBuffer();
    private final RecentIds recentIds;
    private final Dispatcher dispatcher;
    private final Duration idleTimeout;
    private final Consumer<HttpSession> finished;
    private final Drain drain;
    private final AtomicBoolean posting = new AtomicBoolean();
    private final AtomicInteger readers = new AtomicInteger();
    private final AtomicLong readerGeneration = new AtomicLong();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile CloseCode endCode;
    private long lastBatch;

    /**
     * @param bufferCapacity events the buffer holds unacknowledged before the outbox backs up
     * @param finished told once, when the session ended: it leaves its rooms and calls there
     */
    HttpSession(String id, UserPrincipal principal, Outbox outbox, ConnectionEvents events, Dispatcher dispatcher,
            int dedupeWindow, Duration idleTimeout, int bufferCapacity, long maxUnsentBytes,
            Consumer<HttpSession> finished) {
        this.connection = new Connection(id, principal, outbox, (closing, code) -> closing(code), events);
        this.connection.transport(TRANSPORT);
        this.connection.boundUnsentBytes(buffer::bytes, maxUnsentBytes);
        this.recentIds = new RecentIds(dedupeWindow);
        this.dispatcher = dispatcher;
        this.idleTimeout = idleTimeout;
        this.finished = finished;
        this.drain = new Drain(bufferCapacity);
    }

    String id() {
        return connection.id();
    }

    Connection connection() {
        return connection;
    }

    /** Starts draining the outbox into the buffer; the idle timer runs until a reader attaches. */
    void start() {
        connection.outbox().frames().subscribe(drain);
        armIdleTimer();
    }

    /** The code the session ended with (1000 when the client ended it), or null while it is open. */
    CloseCode endCode() {
        return endCode;
    }

    boolean isEnded() {
        return ended.get();
    }

    /** The buffer's events after {@code after}, then every new one, until a newer reader takes over or it ends. */
    Flux<EventBuffer.Event> stream(long after) {
        return Flux.create(sink -> {
            EventBuffer.Reader reader = new EventBuffer.Reader() {
                @Override
                public void next(EventBuffer.Event event) {
                    sink.next(event);
                }

                @Override
                public void done() {
                    sink.complete();
                }
            };
            attached();
            sink.onDispose(() -> {
                buffer.detach(reader);
                detached();
            });
            released(buffer.attach(after, reader));
        });
    }

    /** Waits up to {@code wait} for an event after {@code after}, then answers up to {@code max} of them. */
    Mono<List<EventBuffer.Event>> poll(long after, Duration wait, int max) {
        return Mono.defer(() -> {
            Sinks.Empty<Void> woken = Sinks.empty();
            EventBuffer.Reader reader = new EventBuffer.Reader() {
                @Override
                public void next(EventBuffer.Event event) {
                    woken.tryEmitEmpty();
                }

                @Override
                public void done() {
                    woken.tryEmitEmpty();
                }
            };
            attached();
            released(buffer.attach(after, reader));
            return woken.asMono()
                    .timeout(wait, Mono.empty())
                    .then(Mono.fromSupplier(() -> buffer.after(after, max)))
                    .doFinally(signal -> {
                        buffer.detach(reader);
                        detached();
                    });
        });
    }

    /** The client has every event up to {@code upTo}: they are released. */
    void acknowledge(long upTo) {
        released(buffer.release(upTo));
    }

    long lastEventId() {
        return buffer.lastId();
    }

    /**
     * Whether the session's own answers back up: its outbox above half of a bound, as when the socket stops
     * reading a pipelining client's next frame ({@link Outbox#roomToReply()}). A POST then waits for the client
     * to read and acknowledge, instead of being run into a 4008.
     */
    boolean backedUp(int queueCapacity, long maxQueuedBytes) {
        Outbox outbox = connection.outbox();
        return outbox.size() > queueCapacity / 2 || outbox.sizeInBytes() > maxQueuedBytes / 2;
    }

    /** Claims the one POST a session may have in flight; false when another holds it. */
    boolean beginPost() {
        return posting.compareAndSet(false, true);
    }

    void endPost() {
        posting.set(false);
    }

    /**
     * Runs a POST's envelopes in order, as the socket runs its frames: each passes the rate limiter, an envelope
     * whose {@code id} ran recently is skipped, and a batch numbered no higher than the last one run is skipped
     * whole (a retry of a POST whose answer was lost). Call only while holding the POST ({@link #beginPost}).
     *
     * @param batch the client's number for this POST, or -1 when it gave none
     * @param ids each envelope's {@code id}, or null
     */
    Intake run(long batch, List<String> texts, List<String> ids) {
        if (batch >= 0) {
            if (batch <= lastBatch) {
                return new Intake(0, texts.size(), null);
            }
            lastBatch = batch;
        }
        int accepted = 0;
        int duplicates = 0;
        for (int i = 0; i < texts.size(); i++) {
            if (ended.get()) {
                break;
            }
            connection.touch();
            connection.markSentFrames();
            switch (connection.rateLimiter().acquire(System.nanoTime())) {
                case LIMITED -> {
                    dispatcher.refuseRateLimited(connection, texts.get(i));
                    continue;
                }
                case ABUSIVE -> {
                    connection.close(CloseCode.RATE_LIMIT_EXCEEDED);
                    return new Intake(accepted, duplicates, CloseCode.RATE_LIMIT_EXCEEDED);
                }
                case ALLOWED -> {
                    // Run below.
                }
            }
            String id = ids.get(i);
            if (id != null && !recentIds.add(id)) {
                duplicates++;
                continue;
            }
            dispatcher.dispatch(connection, texts.get(i));
            accepted++;
        }
        return new Intake(accepted, duplicates, null);
    }

    /** The client ends the session (1000). */
    void end() {
        connection.outbox().complete();
        drain.dispose();
        finish(CloseCode.NORMAL);
    }

    /** Connection's closer: the gateway closes the session with {@code code}. */
    private void closing(CloseCode code) {
        log.info("closing: connection={} user={} code={} transport=http", connection.id(), connection.userId(),
                code.code());
        if (DRAIN_FIRST.contains(code)) {
            // What is queued still goes out, whatever the buffer's bound; the drain ends the session.
            connection.outbox().complete();
            drain.request(Long.MAX_VALUE);
        } else {
            drain.dispose();
            connection.outbox().complete();
            finish(code);
        }
    }

    private void finish(CloseCode code) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        endCode = code;
        buffer.end(closeJson(code).getBytes(StandardCharsets.UTF_8));
        finished.accept(this);
    }

    /** The close as the {@code close} event and the HTTP error bodies carry it. */
    static String closeJson(CloseCode code) {
        return "{\"code\":" + code.code() + ",\"reason\":\"" + code.reason() + "\",\"reconnect\":"
                + code.shouldReconnect() + "}";
    }

    private void released(int count) {
        if (count > 0) {
            drain.request(count);
        }
    }

    private void attached() {
        readers.incrementAndGet();
        readerGeneration.incrementAndGet();
    }

    private void detached() {
        if (readers.decrementAndGet() == 0) {
            armIdleTimer();
        }
    }

    private void armIdleTimer() {
        long generation = readerGeneration.get();
        Mono.delay(idleTimeout).subscribe(tick -> {
            if (readers.get() == 0 && readerGeneration.get() == generation && !ended.get()) {
                log.info("no reader: connection={} user={} transport=http", connection.id(), connection.userId());
                connection.close(CloseCode.TIMEOUT);
            }
        });
    }

    /** Moves frames from the outbox to the buffer while the buffer has room. */
    private final class Drain extends BaseSubscriber<Frame> {

        private final int capacity;

        Drain(int capacity) {
            this.capacity = capacity;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(capacity);
        }

        @Override
        protected void hookOnNext(Frame frame) {
            buffer.append(null, frame.json());
        }

        @Override
        protected void hookOnComplete() {
            CloseCode code = connection.closeCode();
            finish(code == null ? CloseCode.NORMAL : code);
        }

        @Override
        protected void hookOnError(Throwable failure) {
            finish(CloseCode.INTERNAL_ERROR);
        }
    }
}
