package dev.signalgate.gateway.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.signalgate.gateway.auth.TokenMinter;

/**
 * The user id and bearer token of each virtual user.
 *
 * <p>With {@code load.secret} (or {@code GATEWAY_JWT_SECRET}) every user mints its own HS256 token, through the
 * gateway's own {@link TokenMinter}, for the user {@code load-<runId>-u<n>} with {@code "rooms":["load-*"]};
 * {@code load.issuer} and {@code load.audience} are added when the gateway checks them. With
 * {@code load.tokenFile} user {@code n} takes line {@code n} of the file (round-robin) and its user id is the
 * token's {@code sub}: give at least as many tokens, with distinct subs, as users, or signaling pairs may end up
 * with one user on both sides.
 */
final class LoadTokens {

    private static final Pattern SUB = Pattern.compile("\"sub\"\\s*:\\s*\"([^\"]+)\"");

    private final String runId;
    private final TokenMinter minter;
    private final List<String> fileTokens;

    private LoadTokens(String runId, TokenMinter minter, List<String> fileTokens) {
        this.runId = runId;
        this.minter = minter;
        this.fileTokens = fileTokens;
    }

    static LoadTokens from(LoadSettings settings) {
        String file = LoadSettings.string("load.tokenFile", null);
        if (file != null) {
            try {
                List<String> tokens = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8).stream()
                        .map(String::trim).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
                if (tokens.isEmpty()) {
                    throw new IllegalArgumentException("load.tokenFile " + file + " holds no token");
                }
                return new LoadTokens(settings.runId, null, tokens);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read load.tokenFile " + file, e);
            }
        }
        String secret = LoadSettings.string("load.secret", System.getenv("GATEWAY_JWT_SECRET"));
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("give the gateway's HS256 secret (at least 32 bytes) as -Dload.secret=…"
                    + " or GATEWAY_JWT_SECRET, or tokens as -Dload.tokenFile=<file, one token per line>");
        }
        TokenMinter minter = new TokenMinter(secret.getBytes(StandardCharsets.UTF_8),
                LoadSettings.string("load.issuer", null), LoadSettings.string("load.audience", null));
        return new LoadTokens(settings.runId, minter, null);
    }

    /** The user id of virtual user {@code index} (0-based). */
    String userId(int index) {
        if (fileTokens != null) {
            return subOf(fileTokens.get(index % fileTokens.size()));
        }
        return "load-" + runId + "-u" + index;
    }

    /** The bearer token of virtual user {@code index}. */
    String token(int index) {
        if (fileTokens != null) {
            return fileTokens.get(index % fileTokens.size());
        }
        return minter.mint(userId(index), null, null, List.of(LoadSettings.ROOM_PREFIX + "*"), Duration.ofHours(2));
    }

    private static String subOf(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("load.tokenFile holds something that is not a JWT");
        }
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        Matcher sub = SUB.matcher(claims);
        if (!sub.find()) {
            throw new IllegalArgumentException("a token in load.tokenFile has no sub claim");
        }
        return sub.group(1);
    }
}
