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
 * @param turn the ICE servers (STUN, and TURN with per-user credentials) handed to call peers
 * @param store message store settings
 * @param shutdown graceful shutdown settings
 * @param liveness pings and dead-peer detection
 * @param ioThreads event-loop threads that serve every socket; 0 (the default) means one per available
 *     processor. Reactor Netty's own default is at least 4, which on a 2-core machine puts two loops on each
 *     core and makes most of a room's deliveries cross to another thread (fan-out into a 1,000-member room on
 *     2 cores: 209,000 deliveries/s with 4 loops, 222,000–228,000 with 2; see gateway/BENCHMARKS.md)
 * @param removal what a backend's removal of a user from a room leaves behind
 * @param warmUp the traffic the gateway sends itself before it reports UP
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
        @DefaultValue Shutdown shutdown,
        @DefaultValue Liveness liveness,
        @DefaultValue Turn turn,
        @DefaultValue Cluster cluster,
        @DefaultValue("0") int ioThreads,
        @DefaultValue Removal removal,
        @DefaultValue WarmUp warmUp) {

    /** {@link #ioThreads}, with 0 resolved to the number of available processors. */
    public int effectiveIoThreads() {
        return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
    }

    /**
     * @param secret HS256 secret, at least 32 bytes of UTF-8; unset with no JWKS means development mode
     * @param jwksUri where RS256/ES256 public keys are fetched (cached, with timeouts)
     * @param jwksFile a local JWKS file instead of a URI
     * @param issuer when set, the {@code iss} every token must carry
     * @param audience when set, a value the token's {@code aud} must contain
     * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat} (default 30 s)
     * @param maxTokenLength longest token accepted, in characters, before any parsing (default 8192)
     * @param jwksRefetchInterval least time between two fetches of the JWKS URI for a {@code kid} not cached
     *     (default 30 s); while the key server is down, tokens with such a kid are answered 503 with a
     *     {@code Retry-After} of at most this
     */
    public record Jwt(String secret, URI jwksUri, Path jwksFile, String issuer, String audience,
            @DefaultValue("30s") Duration clockSkew, @DefaultValue("8192") int maxTokenLength,
            @DefaultValue("30s") Duration jwksRefetchInterval) {

        /** Whether no key was configured, so the gateway runs in development mode with a random secret. */
        public boolean developmentMode() {
            return (secret == null || secret.isEmpty()) && jwksUri == null && jwksFile == null;
        }
    }

    /**
     * What one client may do. The defaults follow Centrifugo, Socket.IO and the OWASP WebSocket cheat sheet: a
     * 64 KiB frame, a per-connection rate with a burst for call set-up, a few devices per user.
     *
     * @param maxFrameSize largest inbound WebSocket frame; larger closes the connection with 1009 (default 64 KiB)
     * @param maxBodySize largest chat message body in UTF-8 (default 16 KiB)
     * @param maxNestingDepth deepest JSON nesting of a frame (default 32)
     * @param ratePerSecond frames a connection may send per second, sustained (default 50)
     * @param rateBurst frames a connection may send at once above the rate (default 100): a call set-up's burst
     *     of ICE candidates fits; frames beyond get {@code rate_limited}, and a connection that keeps sending
     *     past its limit is closed with 4029
     * @param maxConnectionsPerUser connections one user may hold on this node; the next is closed with 4009
     *     (default 10)
     * @param maxRoomsPerConnection chat rooms plus calls one connection may be in (default 64)
     * @param handshakeTimeout longest a TCP connection may take to complete its upgrade request (default 10 s)
     * @param firstFrameTimeout longest a new WebSocket may stay silent before its first frame; closed with 4000
     *     (default 30 s)
     */
    public record Limits(@DefaultValue("64KB") DataSize maxFrameSize, @DefaultValue("16KB") DataSize maxBodySize,
            @DefaultValue("32") int maxNestingDepth, @DefaultValue("50") int ratePerSecond,
            @DefaultValue("100") int rateBurst, @DefaultValue("10") int maxConnectionsPerUser,
            @DefaultValue("64") int maxRoomsPerConnection, @DefaultValue("10s") Duration handshakeTimeout,
            @DefaultValue("30s") Duration firstFrameTimeout) {
    }

    /**
     * Cluster mode, on when {@code spring.data.redis.url} is set (see {@code dev.signalgate.gateway.cluster}).
     *
     * @param heartbeat how often a node refreshes its liveness key and sweeps dead nodes' presence (default 5 s)
     * @param expiry how long a node's presence outlives its last heartbeat: a killed node's users leave after at
     *     most this plus one heartbeat (default 15 s)
     * @param timeout how long a presence lookup may take before the node answers from what it knows, and how long
     *     a join waits for Redis to confirm the node's subscription to the room before it is answered
     *     {@code unavailable} (default 2 s)
     */
    public record Cluster(@DefaultValue("5s") Duration heartbeat, @DefaultValue("15s") Duration expiry,
            @DefaultValue("2s") Duration timeout) {
    }

    /**
     * Dead-peer detection, in the spirit of Socket.IO's 25 s / 20 s: the gateway pings every connection and
     * closes one (4000) that sends nothing, not even the pong, within the timeout after a ping.
     *
     * @param pingInterval time between pings (default 25 s)
     * @param pingTimeout how long a ping may go unanswered (default 20 s)
     */
    public record Liveness(@DefaultValue("25s") Duration pingInterval, @DefaultValue("20s") Duration pingTimeout) {
    }

    /**
     * @param queueCapacity frames a connection may have queued and unsent before it is closed with 4008
     *     (default 1024)
     * @param ephemeralThreshold queued frames above which ephemeral frames (typing) are dropped instead of queued
     *     (default 256)
     * @param closeTimeout how long a closing connection may take to drain before its socket is cut (default 5 s)
     * @param maxUnsentBytes bytes the socket may hold written but not yet sent to the client before the
     *     connection is closed with 4008, on top of the queue (default 4 MB)
     * @param maxQueuedBytes payload bytes a connection may have queued and unsent before it is closed with 4008,
     *     beside {@code queueCapacity} (default 1 MB, Centrifugo's per-client bound); above half of either bound
     *     the connection's next inbound frame waits until its queue has drained to a quarter
     */
    public record Outbound(@DefaultValue("1024") int queueCapacity, @DefaultValue("256") int ephemeralThreshold,
            @DefaultValue("5s") Duration closeTimeout, @DefaultValue("4MB") DataSize maxUnsentBytes,
            @DefaultValue("1MB") DataSize maxQueuedBytes) {
    }

    /**
     * @param capacity users a WebRTC call admits (default 2: a consultation)
     * @param reconnectGrace how long a peer whose socket dropped keeps its place in the call before the others
     *     get {@code webrtc:peer_left} (default 30 s; 0 ends its place at once)
     * @param admissionRooms room patterns whose calls have a waiting room, in the syntax of the token's
     *     {@code rooms} claim ({@code consult-*}, an exact id, or {@code *}); empty (the default): none
     * @param admittingRoles token roles that join such a call directly and admit or decline the others (default
     *     {@code doctor})
     */
    public record Call(@DefaultValue("2") int capacity, @DefaultValue("30s") Duration reconnectGrace,
            @DefaultValue List<String> admissionRooms, @DefaultValue("doctor") List<String> admittingRoles) {
    }

    /**
     * ICE servers for call peers, sent in the {@code webrtc:join_room} ack. TURN credentials follow the TURN REST
     * scheme of coturn's {@code use-auth-secret}: username {@code <expiry epoch seconds>:<userId>}, credential
     * base64(HMAC-SHA1(secret, username)).
     *
     * @param stunUrls STUN server URLs ({@code stun:stun.example.org:3478}); empty (the default): no STUN entry
     * @param urls TURN server URLs ({@code turn:…}, {@code turns:…}); used only with a secret
     * @param secret the shared secret configured in the TURN server ({@code static-auth-secret}); unset (the
     *     default): no TURN entry
     * @param ttl how long minted credentials are valid (default 1 h); peers in a call get fresh ones at 80 % of it
     */
    public record Turn(@DefaultValue List<String> stunUrls, @DefaultValue List<String> urls, String secret,
            @DefaultValue("1h") Duration ttl) {
    }

    /**
     * @param writeTimeout a message not stored within this gets {@code chat:failed} {@code unavailable}
     *     (default 5 s)
     * @param batchSize most messages written in one batch (default 256)
     * @param batchDelay longest a message waits for its batch to fill (default 2 ms)
     * @param retention stored messages expire after this; unset keeps them forever
     * @param maxQueueAge a message still waiting for its write after this long gets {@code chat:failed}
     *     {@code unavailable} unwritten, so that a backlog never holds up new messages; unset (the default): half
     *     the write timeout
     * @param recentlyStored how many of the messages this node stored last are kept to answer a retry with the same
     *     tempId from memory, without a store write (default 16,384; also bounded to 16 MiB of bodies); 0: every
     *     retry goes to the store
     * @param joinStateMaxAge how long a room's last seq and read marks, read from the store for a join ack, answer
     *     the next joins while the room has members on this node (kept current by the room's own deliveries in the
     *     meantime, see {@code StoreView}; default 30 s); 0: every join reads the store
     */
    public record Store(@DefaultValue("5s") Duration writeTimeout, @DefaultValue("256") int batchSize,
            @DefaultValue("2ms") Duration batchDelay, Duration retention, Duration maxQueueAge,
            @DefaultValue("16384") int recentlyStored, @DefaultValue("30s") Duration joinStateMaxAge) {
    }

    /**
     * A user removed from a room ({@code POST /api/rooms/{room}/members/{userId}/remove}) may not join it again
     * with a token issued at or before the removal (or one without {@code iat}); a token issued later may.
     *
     * @param remember how long each node keeps a removal (default 24 h): make it longer than your longest token
     *     lifetime, or an old token gets back in once the removal is forgotten
     */
    public record Removal(@DefaultValue("24h") Duration remember) {
    }

    /**
     * Before it reports UP, the gateway sends itself the traffic of its clients over loopback, so that the JIT has
     * compiled the handshake, join, chat and signaling paths when the first real clients come (see
     * {@code dev.signalgate.gateway.warmup.WarmUp}). Needs the HS256 secret: a gateway that only verifies
     * JWKS-signed tokens skips it.
     *
     * @param enabled whether to warm up (default true)
     * @param connections short connections first, each upgraded, welcomed, joined and closed (default 2,000)
     * @param clients connections of the chat and signaling traffic that follows, an even number (default 40)
     * @param traffic how long that traffic runs (default 3 s)
     * @param timeout the longest the health waits for the warm-up before it answers UP anyway (default 30 s)
     */
    public record WarmUp(@DefaultValue("true") boolean enabled, @DefaultValue("2000") int connections,
            @DefaultValue("40") int clients, @DefaultValue("3s") Duration traffic,
            @DefaultValue("30s") Duration timeout) {

        public WarmUp {
            if (connections < 0 || clients < 2 || clients % 2 != 0) {
                throw new IllegalArgumentException("gateway.warm-up: connections must be 0 or more and clients an even"
                        + " number of 2 or more (doctor and patient pairs), got " + connections + " and " + clients);
            }
        }
    }

    /**
     * @param grace how long shutdown waits for queued frames and in-flight writes (default 10 s)
     */
    public record Shutdown(@DefaultValue("10s") Duration grace) {
    }
}
