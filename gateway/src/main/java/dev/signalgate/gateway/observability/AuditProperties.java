package dev.signalgate.gateway.observability;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gateway.audit.*}: the audit log ({@link AuditLog}).
 *
 * @param enabled whether join, leave, call and admin events are written to the {@value AuditLog#LOGGER} logger
 *     (default true)
 * @param file when set, the audit log goes to this file only (appended, one JSON object per line in the
 *     {@code format} below) instead of the application log
 * @param format the file's format: {@code ecs} (default), {@code logstash} or {@code gelf} (Spring Boot's
 *     structured formats), or {@code plain} for text lines
 */
@ConfigurationProperties("gateway.audit")
public record AuditProperties(@DefaultValue("true") boolean enabled, Path file, @DefaultValue("ecs") String format) {
}
