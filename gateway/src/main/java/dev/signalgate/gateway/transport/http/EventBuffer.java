package dev.signalgate.gateway.transport.http;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's outbound frames, numbered from 1 and kept until the client says it has them: a reader that
 * resumes after event {@code n} releases every event up to {@code n} and is sent the rest again, so a dropped
 * stream loses nothing and repeats nothing. The client's acknowledgement is the only release, because a frame
 * written to a response is not yet a frame received.
 *
 * <p>At most one reader at a time: attaching a reader replaces the one before it (a client's new stream after a
 * network change, while the old one has not noticed yet). Every method is synchronized; readers are called under
 * the lock and must only hand the event on (a {@code FluxSink}, a waiter).
 */
final class EventBuffer {

    /** One numbered event: a frame ({@code name} null) or the session's end ({@code name} "close"). */
    record Event(long id, String name, byte[] json) {
    }

    /** Who reads the buffer now: an event stream or a waiting long-poll. */
    interface Reader {

        void next(Event event);

        /** A newer reader took over, or the buffer ended. */
        void done();
    }

    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private long lastId;
    /** Written under the lock, read without it: every send to the session checks it. */
    private volatile long bytes;
    private Reader reader;
    private boolean ended;

    /** Numbers and keeps a frame, and hands it to the reader if there is one. */
    synchronized void append(String name, byte[] json) {
        if (ended) {
            return;
        }
        Event event = new Event(++lastId, name, json);
        events.addLast(event);
        bytes += json.length;
        if (reader != null) {
            reader.next(event);
        }
    }

    /** Appends a last event and ends the buffer: the reader is done once it has it, later readers after the rest. */
    synchronized void end(byte[] closeJson) {
        append("close", closeJson);
        ended = true;
        if (reader != null) {
            reader.done();
            reader = null;
        }
    }

    /** Drops every event up to {@code upTo}, which the client has; answers how many were dropped. */
    synchronized int release(long upTo) {
        int released = 0;
        while (!events.isEmpty() && events.peekFirst().id() <= upTo) {
            bytes -= events.removeFirst().json().length;
            released++;
        }
        return released;
    }

    /**
     * Makes {@code next} the reader: releases the events up to {@code after}, hands it every event kept after
     * that, then every later one as it is appended; answers how many were released. Replaying under the lock
     * keeps the order even while frames arrive. An ended buffer replays what is left and is done at once.
     */
    synchronized int attach(long after, Reader next) {
        int released = release(after);
        Reader previous = reader;
        reader = ended ? null : next;
        if (previous != null) {
            previous.done();
        }
        for (Event event : events) {
            next.next(event);
        }
        if (ended) {
            next.done();
        }
        return released;
    }

    /** Forgets {@code gone} if it is still the reader. */
    synchronized void detach(Reader gone) {
        if (reader == gone) {
            reader = null;
        }
    }

    /** Up to {@code max} events after {@code after}, without changing the reader. */
    synchronized List<Event> after(long after, int max) {
        List<Event> found = new ArrayList<>();
        for (Event event : events) {
            if (found.size() == max) {
                break;
            }
            if (event.id() > after) {
                found.add(event);
            }
        }
        return found;
    }

    synchronized long lastId() {
        return lastId;
    }

    synchronized boolean ended() {
        return ended;
    }

    /** Events kept (not yet released). */
    synchronized int size() {
        return events.size();
    }

    /** Bytes of JSON kept, for the outbound byte bound. */
    long bytes() {
        return bytes;
    }
}
