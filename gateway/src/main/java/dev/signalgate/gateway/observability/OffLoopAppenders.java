package dev.signalgate.gateway.observability;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;

/**
 * Logback appenders that write on a thread of their own, so that a log line produced on an event loop costs that
 * loop a queue offer instead of a synchronous write to the console or a file.
 *
 * <p>Never lossy: no level is discarded when the queue fills, and a full queue makes the logging thread wait
 * ({@code neverBlock=false}) rather than drop the line, because the audit trail must be complete. The queue
 * ({@value #QUEUE_SIZE} events) only fills in a log storm, which the quiet INFO level does not produce. Each event
 * keeps its own timestamp, thread name, MDC and key-value pairs; pending lines are flushed when Logback stops,
 * which Spring Boot does at JVM shutdown.
 */
final class OffLoopAppenders {

    static final int QUEUE_SIZE = 8192;
    private static final int MAX_FLUSH_MILLIS = 5000;

    private OffLoopAppenders() {
    }

    /** Starts an asynchronous appender that passes every event on to {@code target}, already started. */
    static AsyncAppender wrap(LoggerContext context, Appender<ILoggingEvent> target) {
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("ASYNC_" + target.getName());
        async.setQueueSize(QUEUE_SIZE);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(false);
        async.setIncludeCallerData(false);
        async.setMaxFlushTime(MAX_FLUSH_MILLIS);
        async.addAppender(target);
        async.start();
        return async;
    }
}
