package dev.signalgate.gateway.auth;

import reactor.core.publisher.Mono;

/**
 * Turns a bearer token into a {@link UserPrincipal}, or refuses it with {@link TokenRefusedException}.
 *
 * <p>Verification may need to fetch keys (a JWKS URI), so it is asynchronous; it never blocks the calling
 * thread.
 */
public interface TokenVerifier {

    Mono<UserPrincipal> verify(String token);
}
