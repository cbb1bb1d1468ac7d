package dev.signalgate.gateway.auth;

import java.security.Principal;
import java.time.Instant;

/**
 * Who is on the other end of a connection or an HTTP call, as the verified token says.
 *
 * @param userId the token's {@code sub}
 * @param name the token's {@code name}, or null
 * @param role the token's {@code role} ({@code doctor}, {@code patient}, {@code service}, …), or null
 * @param rooms what the token's {@code rooms} claim allows
 * @param expiresAt the token's {@code exp}
 * @param issuedAt the token's {@code iat}, or null when it has none
 */
public record UserPrincipal(String userId, String name, String role, RoomAccess rooms, Instant expiresAt,
        Instant issuedAt) implements Principal {

    /** A principal whose token carries no {@code iat}. */
    public UserPrincipal(String userId, String name, String role, RoomAccess rooms, Instant expiresAt) {
        this(userId, name, role, rooms, expiresAt, null);
    }

    /** The role that backends use to publish events and read stats. */
    public static final String SERVICE_ROLE = "service";

    /** The user id: {@link Principal}'s name is what Spring and logs use to identify the caller. */
    @Override
    public String getName() {
        return userId;
    }

    public boolean isService() {
        return SERVICE_ROLE.equals(role);
    }
}
