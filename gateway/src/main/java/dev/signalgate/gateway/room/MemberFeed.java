package dev.signalgate.gateway.room;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.protocol.CloseCode;

/**
 * What one member receives from one room: the member's subscriber to the room's sink.
 *
 * <p>Normally it passes each delivery meant for the member straight to the member's outbox. While the member
 * resumes with {@code since}, it holds live deliveries back; when the replay from the store ends it lets them
 * through in order, skipping persisted messages the replay already delivered (any {@code seq} at or below the
 * replay's last). Because room sequence numbers are dense, the replay covers every number up to its last, so
 * this skips only duplicates, even when confirmations from several nodes arrive out of order.
 */
public final class MemberFeed implements Consumer<Delivery> {

    private final Connection member;
    private final int holdLimit;
    private List<Delivery> held;
    private long replayedUpTo;

    MemberFeed(Connection member, int holdLimit) {
        this.member = member;
        this.holdLimit = holdLimit;
    }

    @Override
    public synchronized void accept(Delivery delivery) {
        if (!delivery.isFor(member)) {
            return;
        }
        if (held != null) {
            if (held.size() >= holdLimit) {
                // The member cannot keep up with the room while catching up: same remedy as a full outbox.
                held = null;
                member.close(CloseCode.SLOW_CONSUMER);
                return;
            }
            held.add(delivery);
            return;
        }
        if (delivery.seq() > 0 && delivery.seq() <= replayedUpTo) {
            return;
        }
        member.send(delivery.frame());
    }

    /** Holds live deliveries back until {@link #release}; call before the replay starts. */
    public synchronized void hold() {
        if (held == null) {
            held = new ArrayList<>();
        }
    }

    /** Lets held deliveries through, skipping persisted messages with {@code seq <= replayedUpTo}. */
    public synchronized void release(long replayedUpTo) {
        this.replayedUpTo = Math.max(this.replayedUpTo, replayedUpTo);
        List<Delivery> waiting = held;
        held = null;
        if (waiting == null) {
            return;
        }
        for (Delivery delivery : waiting) {
            accept(delivery);
        }
    }
}
