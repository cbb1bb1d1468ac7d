package dev.signalgate.gateway.soak;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters shared by every soak client; cheap to update from any thread. */
final class SoakStats {

    final LongAdder framesSent = new LongAdder();
    final LongAdder framesReceived = new LongAdder();
    final LongAdder messagesSent = new LongAdder();
    final LongAdder ownConfirmed = new LongAdder();
    final LongAdder confirmedReceived = new LongAdder();
    final LongAdder signalsSent = new LongAdder();
    final LongAdder signalsReceived = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder roomRejoins = new LongAdder();
    final LongAdder callRejoins = new LongAdder();
    final LongAdder seqGaps = new LongAdder();
    final LongAdder seqDuplicates = new LongAdder();
    final LongAdder sendFailures = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    private final Map<String, LongAdder> errorsByCode = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> serverClosesByCode = new ConcurrentHashMap<>();

    void error(String code) {
        errorsByCode.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    void serverClosed(int code) {
        serverClosesByCode.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    Map<String, Long> errors() {
        Map<String, Long> errors = new TreeMap<>();
        errorsByCode.forEach((code, count) -> errors.put(code, count.sum()));
        return errors;
    }

    Map<Integer, Long> serverCloses() {
        Map<Integer, Long> closes = new TreeMap<>();
        serverClosesByCode.forEach((code, count) -> closes.put(code, count.sum()));
        return closes;
    }
}
