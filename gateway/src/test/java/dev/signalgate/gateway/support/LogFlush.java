package dev.signalgate.gateway.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;

/**
 * Waits until every line logged so far has been written: log lines go through an asynchronous appender, whose
 * queue is first in, first out, so a marker logged now appears only after all of them.
 */
public final class LogFlush {

    private static final Logger log = LoggerFactory.getLogger(LogFlush.class);

    private LogFlush() {
    }

    public static void awaitWritten(CapturedOutput output) {
        String marker = "log-flush-marker-" + UUID.randomUUID();
        log.info(marker);
        awaitLogged(output, marker);
    }

    public static void awaitLogged(CapturedOutput output, String text) {
        try {
            await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .until(() -> output.getAll().contains(text));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not logged within 10 s: " + text, e);
        }
    }
}
