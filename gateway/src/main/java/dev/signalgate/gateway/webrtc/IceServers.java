package dev.signalgate.gateway.webrtc;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalgate.gateway.config.GatewayProperties;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ICE servers a call peer gets, shaped as {@code RTCConfiguration.iceServers}: one entry with the STUN URLs,
 * one with the TURN URLs and a {@link TurnCredential} minted for the user.
 *
 * <pre>
 * [{"urls":["stun:stun.example.org:3478"]},
 *  {"urls":["turn:turn.example.org:3478?transport=udp"],"username":"1767225600:alice","credential":"Zm9v…"}]
 * </pre>
 *
 * <p>With no STUN URL the STUN entry is left out; without both TURN URLs and a secret the TURN entry is; with
 * neither, {@link #configured()} is false and the join ack carries no {@code iceServers}, so a client keeps its
 * own. TURN credentials are valid for {@code ttl} from the moment they are minted (by the injected clock).
 */
public final class IceServers {

    private static final Logger log = LoggerFactory.getLogger(IceServers.class);

    private final List<String> stunUrls;
    private final List<String> turnUrls;
    private final byte[] secret;
    private final Duration ttl;
    private final Clock clock;

    public IceServers(GatewayProperties.Turn settings, Clock clock) {
        if (settings.ttl() == null || settings.ttl().toSeconds() < 1) {
            throw new IllegalArgumentException("gateway.turn.ttl must be at least 1s, got " + settings.ttl());
        }
        this.stunUrls = List.copyOf(settings.stunUrls());
        this.turnUrls = List.copyOf(settings.urls());
        boolean hasSecret = settings.secret() != null && !settings.secret().isEmpty();
        this.secret = hasSecret ? settings.secret().getBytes(StandardCharsets.UTF_8) : null;
        this.ttl = settings.ttl();
        this.clock = clock;
        if (!turnUrls.isEmpty() && !hasSecret) {
            log.warn("gateway.turn.urls is set but gateway.turn.secret is not: call peers get no TURN server");
        }
    }

    /** Whether there is anything to hand out; when not, acks carry no {@code iceServers}. */
    public boolean configured() {
        return !stunUrls.isEmpty() || mintsCredentials();
    }

    /** Whether TURN credentials are minted, which expire and so are refreshed during long calls. */
    public boolean mintsCredentials() {
        return secret != null && !turnUrls.isEmpty();
    }

    /** How often a peer in a call gets fresh credentials: at 80 % of their lifetime. */
    public Duration refreshEvery() {
        return ttl.multipliedBy(4).dividedBy(5);
    }

    /** The ICE servers for {@code userId}, with TURN credentials minted now. */
    public ArrayNode forUser(String userId) {
        ArrayNode servers = JsonNodeFactory.instance.arrayNode();
        if (!stunUrls.isEmpty()) {
            ObjectNode stun = servers.addObject();
            stunUrls.forEach(stun.putArray("urls")::add);
        }
        if (mintsCredentials()) {
            TurnCredential credential = TurnCredential.mint(secret, userId, clock.instant().plus(ttl));
            ObjectNode turn = servers.addObject();
            turnUrls.forEach(turn.putArray("urls")::add);
            turn.put("username", credential.username());
            turn.put("credential", credential.credential());
        }
        return servers;
    }
}
