package dev.signalgate.gateway.observability;

import java.nio.file.Path;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.logging.logback.StructuredLogEncoder;

/**
 * Routes the {@value AuditLog#LOGGER} logger to its own file ({@code gateway.audit.file}), so that the audit trail
 * can be kept, shipped and retained apart from the application log. The file is appended to, one event per line,
 * in Spring Boot's structured format ({@code ecs} by default) or as plain text; audit events then no longer reach
 * the application log. Rotate it with the platform's tools ({@code logrotate} with {@code copytruncate}) or route
 * the logger yourself in a {@code logback-spring.xml} instead.
 *
 * <p>Needs Logback, Spring Boot's default; with another logging backend it logs a warning and changes nothing.
 */
public final class AuditFile implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(AuditFile.class);
    private static final String APPENDER = "SIGNALGATE_AUDIT_FILE";

    private final Appender<ILoggingEvent> appender;
    private final ch.qos.logback.classic.Logger logger;

    public AuditFile(Path file, String format) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            log.warn("gateway.audit.file is set but logging is not Logback ({}); the audit log stays in the"
                    + " application log", factory.getClass().getName());
            this.appender = null;
            this.logger = null;
            return;
        }
        FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
        fileAppender.setContext(context);
        fileAppender.setName(APPENDER);
        fileAppender.setFile(file.toAbsolutePath().toString());
        fileAppender.setAppend(true);
        fileAppender.setEncoder(encoder(context, format));
        fileAppender.start();
        // Written off the event loop that audits a join, never dropping a line; stopping it flushes the file.
        this.appender = OffLoopAppenders.wrap(context, fileAppender);
        this.logger = context.getLogger(AuditLog.LOGGER);
        logger.addAppender(appender);
        logger.setAdditive(false);
        logger.setLevel(Level.INFO);
        log.info("audit log written to {} ({})", file.toAbsolutePath(), format);
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, String format) {
        if ("plain".equalsIgnoreCase(format)) {
            PatternLayoutEncoder plain = new PatternLayoutEncoder();
            plain.setContext(context);
            plain.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %msg%n");
            plain.start();
            return plain;
        }
        StructuredLogEncoder structured = new StructuredLogEncoder();
        structured.setContext(context);
        structured.setFormat(format);
        structured.start();
        return structured;
    }

    @Override
    public void destroy() {
        if (appender != null) {
            logger.detachAppender(appender);
            logger.setAdditive(true);
            appender.stop();
        }
    }
}
