package dev.signalgate.gateway.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.signalgate.gateway.auth.HandshakeFilter;
import dev.signalgate.gateway.auth.OriginPolicy;
import dev.signalgate.gateway.auth.SigningKeys;
import dev.signalgate.gateway.auth.TokenVerifier;
import dev.signalgate.gateway.observability.GatewayEvents;

/** Token verification and the handshake guard, from {@code gateway.jwt.*} and {@code gateway.allowed-origins}. */
@Configuration(proxyBeanMethods = false)
class AuthConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AuthConfiguration.class);

    @Bean
    SigningKeys signingKeys(GatewayProperties properties) {
        SigningKeys keys = SigningKeys.from(properties.jwt(), properties.dataDir());
        if (keys.developmentMode()) {
            log.warn("development mode: no GATEWAY_JWT_SECRET or JWKS configured; using a random secret kept in {}."
                    + " Mint a token with: java -jar gateway.jar token --sub alice --rooms '*'",
                    properties.dataDir().resolve("dev-jwt-secret"));
        }
        return keys;
    }

    @Bean
    TokenVerifier tokenVerifier(SigningKeys keys) {
        return keys.verifier();
    }

    @Bean
    OriginPolicy originPolicy(GatewayProperties properties) {
        OriginPolicy policy = new OriginPolicy(properties.allowedOrigins());
        if (!policy.restricted()) {
            log.warn("GATEWAY_ALLOWED_ORIGINS is not set: WebSocket upgrades are accepted from any origin");
        }
        return policy;
    }

    @Bean
    HandshakeFilter handshakeFilter(TokenVerifier verifier, OriginPolicy originPolicy, GatewayEvents events) {
        return new HandshakeFilter(verifier, originPolicy, events);
    }
}
