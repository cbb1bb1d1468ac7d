package dev.signalgate.gateway.transport.http;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gateway.http.*}: the HTTP fallback transport. Its other limits are the WebSocket's ({@code gateway.limits},
 * {@code gateway.outbound}, {@code gateway.liveness}).
 *
 * @param heartbeat how often an idle event stream gets a comment line (default 15 s): well under the 30 s or more
 *     after which proxies and load balancers drop a quiet response
 * @param pollTimeout how long a long-poll waits for an event before answering with none (default 25 s), under the
 *     60 s that common proxies allow a request
 * @param maxBatch envelopes one POST may carry (default 100)
 * @param dedupeWindow envelope ids remembered per session to refuse a retried frame (default 256)
 */
@ConfigurationProperties("gateway.http")
public record HttpTransportProperties(@DefaultValue("15s") Duration heartbeat,
        @DefaultValue("25s") Duration pollTimeout, @DefaultValue("100") int maxBatch,
        @DefaultValue("256") int dedupeWindow) {
}
