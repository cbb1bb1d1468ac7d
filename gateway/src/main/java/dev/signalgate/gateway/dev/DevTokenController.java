package dev.signalgate.gateway.dev;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.signalgate.gateway.auth.SigningKeys;
import dev.signalgate.gateway.auth.TokenMinter;
import dev.signalgate.protocol.FrameLimits;

/**
 * {@code GET /dev/token?sub=alice&name=Alice&role=doctor&rooms=consult-*}: mints a one-hour token, so that the demo
 * page works out of the box. It answers only in development mode (no {@code GATEWAY_JWT_SECRET}, no JWKS); with
 * real keys configured it answers 404 and tokens come from the deployment's identity service.
 *
 * <p>Anyone who can reach it can mint a token for any user and room, so it answers only requests from loopback
 * (403 otherwise) unless {@code gateway.dev-token.allow-remote} ({@code GATEWAY_DEV_TOKEN_ALLOW_REMOTE}) is true,
 * for a development gateway tried from another machine. {@code rooms} is a comma-separated list of patterns; with
 * none (absent or empty) the token can join no room, as a token without a {@code rooms} claim.
 */
@RestController
public final class DevTokenController {

    private static final Duration TTL = Duration.ofHours(1);

    private final TokenMinter minter;
    private final boolean allowRemote;

    public DevTokenController(SigningKeys keys, @Value("${gateway.dev-token.allow-remote:false}") boolean allowRemote) {
        this.minter = keys.developmentMode() ? keys.minter() : null;
        this.allowRemote = allowRemote;
    }

    @GetMapping("/dev/token")
    public ResponseEntity<Map<String, Object>> token(ServerHttpRequest request,
            @RequestParam(required = false) String sub, @RequestParam(required = false) String name,
            @RequestParam(required = false) String role, @RequestParam(required = false) String rooms) {
        if (minter == null) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "not_found",
                    "message", "development tokens are only minted when no GATEWAY_JWT_SECRET or JWKS is set"));
        }
        if (!allowRemote && !fromLoopback(request)) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN).body(Map.of("error", "forbidden",
                    "message", "development tokens are only minted for requests from this machine;"
                            + " set GATEWAY_DEV_TOKEN_ALLOW_REMOTE=true to mint them for others"));
        }
        if (sub == null || sub.isBlank() || sub.length() > FrameLimits.MAX_USER_ID_LENGTH) {
            return ResponseEntity.badRequest().body(Map.of("error", "bad_request",
                    "message", "sub: expected 1 to " + FrameLimits.MAX_USER_ID_LENGTH + " characters"));
        }
        List<String> patterns = rooms == null ? List.of()
                : Arrays.stream(rooms.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
        String token = minter.mint(sub, name, role, patterns, TTL);
        return ResponseEntity.ok(Map.of("token", token, "expiresIn", TTL.toSeconds()));
    }

    private static boolean fromLoopback(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        return remote != null && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
    }
}
