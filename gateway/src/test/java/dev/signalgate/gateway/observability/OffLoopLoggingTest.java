package dev.signalgate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalgate.gateway.support.GatewayTest;

/** Log lines are written off the threads that log them, and never dropped for it. */
@GatewayTest
class OffLoopLoggingTest {

    @Test
    void everyRootAppenderWritesOnItsOwnThreadWithoutDiscardingOrDropping() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().forEachRemaining(appenders::add);

        assertThat(appenders).isNotEmpty().allSatisfy(appender -> {
            assertThat(appender).isInstanceOf(AsyncAppender.class);
            AsyncAppender async = (AsyncAppender) appender;
            assertThat(async.getDiscardingThreshold()).as("no level is discarded when the queue fills").isZero();
            assertThat(async.isNeverBlock()).as("a full queue waits instead of dropping").isFalse();
            assertThat(async.isStarted()).isTrue();
        });
    }
}
