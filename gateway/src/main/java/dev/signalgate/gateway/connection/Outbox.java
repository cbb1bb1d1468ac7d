package dev.signalgate.gateway.connection;

import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * A connection's bounded outbound queue: the one place where a slow client's backlog lives, so that a slow or
 * stuck member never holds up anyone else.
 *
 * <p>Any thread may {@link #offer} at any time (room fan-outs run on whichever event loop published). The queue is
 * a multi-producer single-consumer queue drained by one long-lived {@link Flux} that the socket's
 * {@code send} subscribes to once; the unsafe unicast sink is safe here precisely because its queue is MPSC and
 * its drain loop is guarded by a work-in-progress counter, and it spares every offer the serialization check
 * that a safe sink would fail with {@code FAIL_NON_SERIALIZED} under contention.
 *
 * <p>Bounds, counted in frames and in payload bytes handed over but not yet taken by the socket: above
 * {@code ephemeralThreshold} frames (or at the byte bound), ephemeral frames are dropped (the next typing frame
 * supersedes them); past {@code capacity} frames or {@code maxBytes} bytes, an essential frame cannot be queued,
 * the outbox stops accepting and reports overflow so the connection is closed with 4008 (slow consumer): chat,
 * confirmations and WebRTC signals are never dropped silently, the client reconnects and resumes with
 * {@code since}. Bytes as well as frames, because a thousand 16 KiB messages are not a thousand acks. The socket
 * itself takes frames off this queue only while Netty's channel is writable (its send fuses with the queue, so it
 * prefetches nothing), so memory per connection is bounded by these two bounds plus the channel's write buffer.
 *
 * <p>A connection's own requests must not fill its own outbox: {@link #roomToReply()} tells the inbound side
 * when to stop reading the client's next frame, so a client that pipelines requests and reads its answers is
 * slowed down by TCP instead of being mistaken for a slow consumer.
 */
public final class Outbox {

    /** What an {@link #offer} did with a frame. */
    public enum Offer {
        QUEUED, DROPPED_EPHEMERAL, OVERFLOW, CLOSED
    }

    /** A producer waiting for the backlog to drain to at most these levels. */
    private record Waiter(int frames, long bytes, Sinks.Empty<Void> sink) {
    }

    private final Backlog backlog = new Backlog();
    private final Sinks.Many<Object> sink = Sinks.unsafe().many().unicast().onBackpressureBuffer(backlog);
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final int capacity;
    private final int ephemeralThreshold;
    private final long maxBytes;
    private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private final Sinks.Empty<Void> completion = Sinks.empty();
    private volatile boolean closed;

    /** An outbox bounded by frames only. */
    public Outbox(int capacity, int ephemeralThreshold) {
        this(capacity, ephemeralThreshold, Long.MAX_VALUE);
    }

    /**
     * @param capacity frames that may be queued; one more closes the outbox with overflow
     * @param ephemeralThreshold queued frames above which ephemeral frames are dropped
     * @param maxBytes payload bytes that may be queued; more closes the outbox with overflow, except for a lone
     *     frame, which always fits an empty outbox
     */
    public Outbox(int capacity, int ephemeralThreshold, long maxBytes) {
        if (capacity < 1 || ephemeralThreshold < 0 || ephemeralThreshold > capacity || maxBytes < 1) {
            throw new IllegalArgumentException(
                    "need 0 <= ephemeralThreshold <= capacity, capacity >= 1 and maxBytes >= 1");
        }
        this.capacity = capacity;
        this.ephemeralThreshold = ephemeralThreshold;
        this.maxBytes = maxBytes;
    }

    /** Queues a frame unless the bounds above say otherwise. Never blocks. */
    public Offer offer(Frame frame) {
        if (closed) {
            return Offer.CLOSED;
        }
        int length = frame.json().length;
        int size = queued.incrementAndGet();
        long bytes = queuedBytes.addAndGet(length);
        boolean overBytes = bytes > maxBytes && size > 1;
        if (frame.ephemeral() && (size > ephemeralThreshold || overBytes)) {
            untake(length);
            return Offer.DROPPED_EPHEMERAL;
        }
        if (size > capacity || overBytes) {
            untake(length);
            closed = true;
            wakeWaiters();
            return Offer.OVERFLOW;
        }
        if (sink.tryEmitNext(frame).isFailure()) {
            untake(length);
            return Offer.CLOSED;
        }
        return Offer.QUEUED;
    }

    private void untake(int length) {
        queued.decrementAndGet();
        queuedBytes.addAndGet(-length);
    }

    /**
     * The frames to send, for a transport's single subscriber. Each frame counts as no longer queued once the
     * subscriber has taken it.
     */
    public Flux<Frame> frames() {
        return sink.asFlux().cast(Frame.class);
    }

    /**
     * The frames as the WebSocket writes them ({@link Frame#wire()} buffers), for the socket's single
     * {@code send}, which reads them straight off this outbox's queue: no operator between the two, so Reactor
     * Netty fuses with the queue instead of prefetching into a queue of its own (a padded queue and a 128-slot
     * array per connection, about a kilobyte idle). Each frame counts as no longer queued once the socket has
     * taken it to write. Use either this or {@link #frames()}, once.
     */
    public Flux<?> wireFrames() {
        backlog.asWire = true;
        return sink.asFlux();
    }

    private void taken(Frame frame) {
        untake(frame.json().length);
        if (!waiters.isEmpty()) {
            wakeWaiters();
        }
    }

    /**
     * Completes once at most {@code level} frames are queued, or the outbox closed: lets a producer of a long
     * stream for this one connection (a resume replay) go at the socket's pace instead of overflowing it.
     */
    public Mono<Void> awaitBelow(int level) {
        return awaitBelow(level, Long.MAX_VALUE);
    }

    /**
     * Completes at once while the backlog is below its high-water mark (half of either bound); above it, once the
     * backlog has drained to its low-water mark (a quarter of both) or the outbox closed. The connection's inbound
     * side waits on it before handling the client's next frame, so that the answers to a pipelining client's
     * requests never overflow its own outbox: while it waits, the socket is not read and TCP slows the client.
     * Frames from others (room fan-outs) do not wait: a client that stops reading still overflows, with 4008.
     */
    public Mono<Void> roomToReply() {
        if (hasRoomToReply()) {
            return Mono.empty();
        }
        return awaitBelow(capacity / 4, maxBytes / 4);
    }

    /** Whether the backlog is below its high-water mark: {@link #roomToReply()} would complete at once. */
    public boolean hasRoomToReply() {
        return queued.get() <= capacity / 2 && queuedBytes.get() <= maxBytes / 2;
    }

    private Mono<Void> awaitBelow(int frames, long bytes) {
        if (drained(frames, bytes) || closed) {
            return Mono.empty();
        }
        Waiter waiter = new Waiter(frames, bytes, Sinks.empty());
        waiters.add(waiter);
        // The socket may have drained the backlog between the check above and the add.
        wakeWaiters();
        return waiter.sink().asMono();
    }

    private boolean drained(int frames, long bytes) {
        return queued.get() <= frames && queuedBytes.get() <= bytes;
    }

    private void wakeWaiters() {
        for (Waiter waiter : waiters) {
            if (closed || drained(waiter.frames(), waiter.bytes())) {
                if (waiters.remove(waiter)) {
                    waiter.sink().tryEmitEmpty();
                }
            }
        }
    }

    /** Stops accepting frames; those already queued are still written, then {@link #frames()} completes. */
    public void complete() {
        closed = true;
        sink.tryEmitComplete();
        completion.tryEmitEmpty();
        wakeWaiters();
    }

    /** Completes when the outbox stops accepting frames. */
    public Mono<Void> completion() {
        return completion.asMono();
    }

    /** Frames queued and not yet taken by the socket. */
    public int size() {
        return queued.get();
    }

    /** Payload bytes queued and not yet taken by the socket. */
    public long sizeInBytes() {
        return queuedBytes.get();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * The sink's queue, multi-producer single-consumer. Taking a frame off it is what counts the frame out of the
     * backlog and wakes the producers waiting for room, whoever takes it: the socket's fused send or the sink's own
     * drain.
     */
    private final class Backlog extends AbstractQueue<Object> {

        private final Queue<Object> frames = Queues.unboundedMultiproducer().get();
        private volatile boolean asWire;

        @Override
        public boolean offer(Object frame) {
            return frames.offer(frame);
        }

        @Override
        public Object poll() {
            Object next = frames.poll();
            if (next instanceof Frame frame) {
                taken(frame);
                return asWire ? frame.wire() : frame;
            }
            return next;
        }

        @Override
        public Object peek() {
            return frames.peek();
        }

        @Override
        public int size() {
            return frames.size();
        }

        @Override
        public boolean isEmpty() {
            return frames.isEmpty();
        }

        @Override
        public Iterator<Object> iterator() {
            return frames.iterator();
        }
    }
}
