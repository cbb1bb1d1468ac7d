/**
 * The HTTP API for backends and operators, beside the WebSocket endpoint:
 * <ul>
 * <li>{@code POST /api/rooms/{room}/events}: a backend publishes a domain event to a room's members
 * ({@link dev.signalgate.gateway.api.EventPublisher}, contract section 7);</li>
 * <li>{@code GET /api/stats}: what this node holds ({@link dev.signalgate.gateway.api.StatsHandler});</li>
 * <li>{@code POST /api/users/{userId}/disconnect}: closes a user's connections with 1008
 * ({@link dev.signalgate.gateway.api.AdminHandler}).</li>
 * </ul>
 * Every call needs {@code Authorization: Bearer <jwt>} with role {@code service} ({@link dev.signalgate.gateway.api.ApiAuth});
 * errors answer {@code {"error","message"}} ({@link dev.signalgate.gateway.api.ApiException}). Request bodies are
 * untrusted input: they are validated once, here, and never logged.
 */
package dev.signalgate.gateway.api;
