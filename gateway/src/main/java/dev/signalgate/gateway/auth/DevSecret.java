package dev.signalgate.gateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * The development-mode secret: 32 random bytes, base64url-encoded, kept in {@code <data dir>/dev-jwt-secret}
 * (owner-only permissions) so that {@code java -jar gateway.jar token} can mint tokens the running gateway
 * accepts. It is never guessable and never used when {@code GATEWAY_JWT_SECRET} or a JWKS is configured.
 */
public final class DevSecret {

    public static final String FILE_NAME = "dev-jwt-secret";

    private DevSecret() {
    }

    /** Where the secret of a gateway with this data directory is kept. */
    public static Path file(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    /** Reads the secret under {@code dataDir}; empty when no gateway has created one there. */
    public static Optional<String> load(Path dataDir) {
        Path file = file(dataDir);
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim())
                    : Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the development secret " + file, e);
        }
    }

    /** Reads the secret under {@code dataDir}, creating it on first use. */
    public static String loadOrCreate(Path dataDir) {
        Path file = file(dataDir);
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            Files.createDirectories(dataDir);
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.writeString(file, secret, StandardCharsets.UTF_8);
            restrictToOwner(file);
            return secret;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the development secret " + file, e);
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, Set.copyOf(PosixFilePermissions.fromString("rw-------")));
        }
    }
}
