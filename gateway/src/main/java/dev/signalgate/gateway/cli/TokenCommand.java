package dev.signalgate.gateway.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.springframework.boot.convert.DurationStyle;

import dev.signalgate.gateway.auth.DevSecret;
import dev.signalgate.gateway.auth.SigningKeys;
import dev.signalgate.gateway.auth.TokenMinter;

/**
 * {@code java -jar gateway.jar token --sub alice [--name Alice] [--role doctor] [--rooms 'consult-*,lobby']
 * [--ttl 1h]}: prints an HS256 token signed with {@code GATEWAY_JWT_SECRET}, or, when that is unset, with the
 * development secret under {@code GATEWAY_DATA_DIR} (default {@code ./data}) that the gateway uses in
 * development mode. {@code GATEWAY_JWT_ISSUER} and {@code GATEWAY_JWT_AUDIENCE} are added when set.
 */
public final class TokenCommand {

    static final String USAGE = "usage: java -jar gateway.jar token --sub <user> [--name <name>] [--role <role>]"
            + " [--rooms <pattern,pattern>] [--ttl <duration, e.g. 1h>]";

    private TokenCommand() {
    }

    /** Runs the command; answers the process exit code. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String sub;
        String name;
        String role;
        List<String> rooms = null;
        Duration ttl = Duration.ofHours(1);
        try {
            Map<String, String> options = Options.parse(args, "--sub", "--name", "--role", "--rooms", "--ttl");
            sub = options.get("--sub");
            name = options.get("--name");
            role = options.get("--role");
            if (options.containsKey("--rooms")) {
                rooms = Arrays.stream(options.get("--rooms").split(",")).map(String::trim)
                        .filter(pattern -> !pattern.isEmpty()).toList();
            }
            if (options.containsKey("--ttl")) {
                ttl = DurationStyle.detectAndParse(options.get("--ttl"));
            }
            if (sub == null || sub.isEmpty()) {
                throw new IllegalArgumentException("--sub is required");
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        String secret = env.get("GATEWAY_JWT_SECRET");
        if (secret == null || secret.isEmpty()) {
            secret = DevSecret.loadOrCreate(Path.of(env.getOrDefault("GATEWAY_DATA_DIR", "./data")));
        } else if (secret.getBytes(StandardCharsets.UTF_8).length < SigningKeys.MIN_SECRET_BYTES) {
            err.println("GATEWAY_JWT_SECRET must be at least " + SigningKeys.MIN_SECRET_BYTES + " bytes");
            return 2;
        }
        TokenMinter minter = new TokenMinter(secret.getBytes(StandardCharsets.UTF_8),
                env.get("GATEWAY_JWT_ISSUER"), env.get("GATEWAY_JWT_AUDIENCE"));
        out.println(minter.mint(sub, name, role, rooms, ttl));
        return 0;
    }
}
