package dev.signalgate.gateway.cli;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the {@code exercise} sub-command counted over all its connections, and the first problems it met. Every
 * problem counts as an error; only the first {@value #KEPT} are kept word for word, for the report.
 */
public final class ExerciseTally {

    private static final int KEPT = 10;

    final LongAdder framesSent = new LongAdder();
    final LongAdder framesReceived = new LongAdder();
    final LongAdder messagesSent = new LongAdder();
    final LongAdder confirmed = new LongAdder();
    final LongAdder retries = new LongAdder();
    /** Own messages answered chat:failed with unavailable, and so sent again. */
    final LongAdder unavailable = new LongAdder();
    final LongAdder replayed = new LongAdder();
    final LongAdder relayed = new LongAdder();
    final LongAdder signalsSent = new LongAdder();
    final LongAdder signalsReceived = new LongAdder();
    final LongAdder histories = new LongAdder();
    final LongAdder acks = new LongAdder();
    final LongAdder httpFrames = new LongAdder();

    private final AtomicInteger errors = new AtomicInteger();
    private final Queue<String> problems = new ConcurrentLinkedQueue<>();

    /** Records one error: a refused frame, a failed message, an unexpected close, a send that did not go out. */
    void problem(String what) {
        if (errors.getAndIncrement() < KEPT) {
            problems.add(what);
        }
    }

    public int errors() {
        return errors.get();
    }

    /** The first problems, in the order they were met. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** One line for the log of a training run, which tests and operators look for. */
    public String summary(int connections, long seconds) {
        return "exercise done: " + connections + " connections for " + seconds + " s, "
                + framesSent.sum() + " frames sent, " + framesReceived.sum() + " received; "
                + messagesSent.sum() + " messages sent, " + confirmed.sum() + " confirmed ("
                + retries.sum() + " retries, " + unavailable.sum() + " of them after unavailable), "
                + relayed.sum() + " relayed, " + replayed.sum() + " replayed; "
                + signalsSent.sum() + " signals sent, " + signalsReceived.sum() + " received; "
                + histories.sum() + " histories; " + acks.sum() + " acks; "
                + httpFrames.sum() + " frames over HTTP; " + errors() + " errors";
    }
}
