package dev.signalgate.gateway.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.boot.convert.DurationStyle;

import dev.signalgate.gateway.auth.DevSecret;
import dev.signalgate.gateway.auth.SigningKeys;
import dev.signalgate.gateway.auth.TokenMinter;

/**
 * {@code java -jar gateway.jar token --sub alice [--name Alice] [--role doctor] [--rooms 'consult-*,lobby']
 * [--ttl 1h]}: prints an HS256 token signed with {@code GATEWAY_JWT_SECRET}, or, when that is unset, with the
 * development secret the gateway uses in development mode, found exactly where the gateway looks for it:
 * {@code <GATEWAY_DATA_DIR>/dev-jwt-secret}, default {@code ./data}. The token alone goes to standard output (so
 * that {@code TOKEN=$(… token …)} works); which secret signed it, and warnings, go to standard error.
 *
 * <p>It never creates a development secret: a secret the running gateway does not know would mint tokens it
 * refuses with 401, so a missing file is an error that says where the gateway keeps it.
 * {@code GATEWAY_JWT_ISSUER} and {@code GATEWAY_JWT_AUDIENCE} are added when set.
 */
public final class TokenCommand {

    static final String USAGE = """
            usage: java -jar gateway.jar token --sub <user> [--name <display name>] [--role <role>]
                                               [--rooms <pattern,pattern>] [--ttl <duration, e.g. 1h>]
              Prints a token for the gateway. Signed with GATEWAY_JWT_SECRET when set, else with the
              development secret of a gateway started before with the same GATEWAY_DATA_DIR
              (default ./data): <data dir>/dev-jwt-secret. --rooms lists the rooms the token may join
              (an exact id, a prefix ending in *, or *); without it the token can join no room.""";

    private TokenCommand() {
    }

    /** Runs the command; answers the process exit code. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (Usage.asksForHelp(args)) {
            out.println(USAGE);
            return 0;
        }
        String sub;
        String name;
        String role;
        List<String> rooms = List.of();
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
            // The gateway's default for gateway.data-dir, which GATEWAY_DATA_DIR sets.
            Path dataDir = Path.of(env.getOrDefault("GATEWAY_DATA_DIR", "./data"));
            Path file = DevSecret.file(dataDir).toAbsolutePath().normalize();
            Optional<String> devSecret = DevSecret.load(dataDir);
            if (devSecret.isEmpty()) {
                err.println("no development secret at " + file + ": start the gateway once in development mode"
                        + " with the same GATEWAY_DATA_DIR (it creates the secret), point GATEWAY_DATA_DIR at the"
                        + " running gateway's data directory, or set GATEWAY_JWT_SECRET to the gateway's secret");
                return 1;
            }
            secret = devSecret.get();
            err.println("signed with the development secret in " + file);
        } else if (secret.getBytes(StandardCharsets.UTF_8).length < SigningKeys.MIN_SECRET_BYTES) {
            err.println("GATEWAY_JWT_SECRET must be at least " + SigningKeys.MIN_SECRET_BYTES + " bytes");
            return 2;
        } else {
            err.println("signed with GATEWAY_JWT_SECRET");
        }
        if (rooms.isEmpty()) {
            err.println("warning: no --rooms: this token can join no room (for example --rooms 'consult-*')");
        }
        TokenMinter minter = new TokenMinter(secret.getBytes(StandardCharsets.UTF_8),
                env.get("GATEWAY_JWT_ISSUER"), env.get("GATEWAY_JWT_AUDIENCE"));
        out.println(minter.mint(sub, name, role, rooms.isEmpty() ? null : rooms, ttl));
        return 0;
    }
}
