package dev.signalgate.gateway.observability;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Moves the application log's writes off the threads that log ({@code gateway.logging.async}, default true): every
 * appender of the root logger, Spring Boot's console appender among them, is put behind an
 * {@link OffLoopAppenders asynchronous, never lossy appender}. Connection events and the audit line per join are
 * logged on event loops; written synchronously they parked the loops in the console's write under a connect storm.
 *
 * <p>Applied once the context starts, after Spring Boot configured Logback; a later re-initialisation of Logback
 * (another application context in the same JVM) replaces the appenders and the next context wraps them again.
 * With a logging backend other than Logback it changes nothing.
 */
final class OffLoopLogging {

    private static final org.slf4j.Logger log = LoggerFactory.getLogger(OffLoopLogging.class);

    OffLoopLogging() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            log.info("logging is not Logback ({}): log lines stay synchronous", factory.getClass().getName());
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> synchronous = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> appender = it.next();
            if (!(appender instanceof AsyncAppender)) {
                synchronous.add(appender);
            }
        }
        for (Appender<ILoggingEvent> appender : synchronous) {
            root.addAppender(OffLoopAppenders.wrap(context, appender));
            root.detachAppender(appender);
        }
    }
}
