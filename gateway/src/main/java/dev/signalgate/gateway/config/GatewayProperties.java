package dev.signalgate.gateway.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Every {@code gateway.*} setting, each also settable as an environment variable by Spring's relaxed binding
 * ({@code gateway.jwt.secret} is {@code GATEWAY_JWT_SECRET}). The README's configuration table documents them.
 *
 * @param jwt how tokens are verified
 * @param allowedOrigins exact {@code Origin} values allowed to upgrade; empty allows any (requests without an
 *     {@code Origin} header, from non-browser clients, are always allowed)
 * @param dataDir where the embedded store and the development secret live (default {@code ./data})
 * @param limits sizes and counts a connection may not exceed
 * @param outbound the per-connection outbound queue
 * @param call WebRTC call settings
 * @param store message store settings
 * @param shutdown graceful shutdown settings
 */
@ConfigurationProperties("gateway")
public record GatewayProperties(
        @DefaultValue Jwt jwt,
        @DefaultValue List<String> allowedOrigins,
        @DefaultValue("./data") Path dataDir,
        @DefaultValue Limits limits,
        @DefaultValue Outbound outbound,
        @DefaultValue Call call,
        @DefaultValue Store store,
        @DefaultValue Shutdown shutdown) {

    /**
     * @param secret HS256 secret, at least 32 bytes of UTF-8; unset with no JWKS means development mode
     * @param jwksUri where RS256/ES256 public keys are fetched (cached, with timeouts)
     * @param jwksFile a local JWKS file instead of a URI
     * @param issuer when set, the {@code iss} every token must carry
     * @param audience when set, a value the token's {@code aud} must contain
     * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat} (default 30 s)
     * @param maxTokenLength longest token accepted, in characters, before any parsing (default 8192)
     */
    public record Jwt(String secret, URI jwksUri, Path jwksFile, String issuer, String audience,
            @DefaultValue("30s") Duration clockSkew, @DefaultValue("8192") int maxTokenLength) {

        /** Whether no key was configured, so the gateway runs in development mode with a random secret. */
        public boolean developmentMode() {
            return (secret == null || secret.isEmpty()) && jwksUri == null && jwksFile == null;
        }
    }

    /**
     * @param maxFrameSize largest inbound WebSocket frame; larger closes the connection with 1009 (default 64 KiB)
     * @param maxBodySize largest chat message body in UTF-8 (default 16 KiB)
     * @param maxNestingDepth deepest JSON nesting of a frame (default 32)
     */
    public record Limits(@DefaultValue("64KB") DataSize maxFrameSize, @DefaultValue("16KB") DataSize maxBodySize,
            @DefaultValue("32") int maxNestingDepth) {
    }

    /**
     * @param queueCapacity frames a connection may have queued and unsent before it is closed with 4008
     *     (default 1024)
     * @param ephemeralThreshold queued frames above which ephemeral frames (typing) are dropped instead of queued
     *     (default 256)
     * @param closeTimeout how long a closing connection may take to drain before its socket is cut (default 5 s)
     */
    public record Outbound(@DefaultValue("1024") int queueCapacity, @DefaultValue("256") int ephemeralThreshold,
            @DefaultValue("5s") Duration closeTimeout) {
    }

    /**
     * @param capacity users a WebRTC call admits (default 2: a consultation)
     */
    public record Call(@DefaultValue("2") int capacity) {
    }

    /**
     * @param writeTimeout a message not stored within this gets {@code chat:failed} {@code unavailable}
     *     (default 5 s)
     * @param batchSize most messages written in one batch (default 256)
     * @param batchDelay longest a message waits for its batch to fill (default 2 ms)
     * @param retention stored messages expire after this; unset keeps them forever
     */
    public record Store(@DefaultValue("5s") Duration writeTimeout, @DefaultValue("256") int batchSize,
            @DefaultValue("2ms") Duration batchDelay, Duration retention) {
    }

    /**
     * @param grace how long shutdown waits for queued frames and in-flight writes (default 10 s)
     */
    public record Shutdown(@DefaultValue("10s") Duration grace) {
    }
}
