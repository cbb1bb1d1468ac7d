package dev.signalgate.gateway.dev;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
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
 */
@RestController
public final class DevTokenController {

    private static final Duration TTL = Duration.ofHours(1);

    private final TokenMinter minter;

    public DevTokenController(SigningKeys keys) {
        this.minter = keys.developmentMode() ? keys.minter() : null;
    }

    @GetMapping("/dev/token")
    public ResponseEntity<Map<String, Object>> token(@RequestParam(required = false) String sub,
            @RequestParam(required = false) String name, @RequestParam(required = false) String role,
            @RequestParam(required = false, defaultValue = "*") String rooms) {
        if (minter == null) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "not_found",
                    "message", "development tokens are only minted when no GATEWAY_JWT_SECRET or JWKS is set"));
        }
        if (sub == null || sub.isBlank() || sub.length() > FrameLimits.MAX_USER_ID_LENGTH) {
            return ResponseEntity.badRequest().body(Map.of("error", "bad_request",
                    "message", "sub: expected 1 to " + FrameLimits.MAX_USER_ID_LENGTH + " characters"));
        }
        List<String> patterns = Arrays.stream(rooms.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
        String token = minter.mint(sub, name, role, patterns, TTL);
        return ResponseEntity.ok(Map.of("token", token, "expiresIn", TTL.toSeconds()));
    }
}
