/**
 * What operators see: Micrometer metrics ({@link dev.signalgate.gateway.observability.GatewayMetrics},
 * {@link dev.signalgate.gateway.observability.StoreMetrics}, scraped at {@code /actuator/prometheus}) and the audit
 * log ({@link dev.signalgate.gateway.observability.AuditLog}, logger {@code signalgate.audit}).
 *
 * <p>Both watch through {@link dev.signalgate.gateway.observability.GatewayObserver}, which
 * {@link dev.signalgate.gateway.observability.GatewayEvents} calls: they never take part in the traffic, never block
 * it, and never see a token or a message body. Metric tags are bounded: no room or user id is ever a tag.
 *
 * <p>Dependencies point one way: this package uses {@code connection}, {@code auth} and {@code warmup}'s room
 * names; those report through the
 * interfaces they declare ({@code ConnectionEvents}, {@code HandshakeRefusals}), which {@code GatewayEvents}
 * implements, and never import this package.
 */
package dev.signalgate.gateway.observability;
