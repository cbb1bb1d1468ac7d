package dev.signalgate.gateway.room;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * A room's broadcast: one Reactor sink that every member subscribes to.
 *
 * <p>Why {@code multicast().directBestEffort()}: it never waits for a slow subscriber. The buffering multicast
 * flavour conforms to the slowest member, so one phone on a bad network would stall the room; and
 * {@code directAllOrNothing} drops a frame for everyone when one member lags. Here each member's
 * {@link MemberFeed} requests without bound and hands every frame straight to that member's
 * {@link dev.signalgate.gateway.connection.Outbox}, which is where a slow member's backlog is kept and bounded.
 * So the best-effort sink never actually misses anyone, and the cost of slowness falls on the slow connection
 * alone.
 *
 * <p>Why the queue in front of the sink: several event loops publish into one room at once, and a sink must be
 * fed serially ({@code FAIL_NON_SERIALIZED} otherwise). Publishers add to a multi-producer queue and whichever
 * thread finds the room idle drains it into the sink; nobody spins or blocks, and each publisher's frames keep
 * their order.
 */
final class FanOut {

    private final Sinks.Many<Delivery> sink = Sinks.unsafe().many().multicast().directBestEffort();
    private final Queue<Delivery> pending = Queues.<Delivery>unboundedMultiproducer().get();
    private final AtomicInteger wip = new AtomicInteger();

    /** Starts delivering this room's frames to {@code feed}; dispose the result to stop. */
    Disposable subscribe(MemberFeed feed) {
        return sink.asFlux().subscribe(feed);
    }

    /** Hands a delivery to every current subscriber. Never blocks. */
    void publish(Delivery delivery) {
        pending.offer(delivery);
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            Delivery next;
            while ((next = pending.poll()) != null) {
                // OK or FAIL_ZERO_SUBSCRIBER (everyone left meanwhile): both mean there is nothing left to do.
                sink.tryEmitNext(next);
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }
}
