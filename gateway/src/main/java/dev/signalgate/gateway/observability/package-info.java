/**
 * What operators see: Micrometer metrics ({@link dev.signalgate.gateway.observability.GatewayMetrics},
 * {@link dev.signalgate.gateway.observability.StoreMetrics}, scraped at {@code /actuator/prometheus}) and the audit
 * log ({@link dev.signalgate.gateway.observability.AuditLog}, logger {@code signalgate.audit}).
 *
 * <p>Both watch through {@link dev.signalgate.gateway.observe.GatewayObserver}: they never take part in the traffic,
 * never block it, and never see a token or a message body. Metric tags are bounded: no room or user id is ever a
 * tag.
 */
package dev.signalgate.gateway.observability;
