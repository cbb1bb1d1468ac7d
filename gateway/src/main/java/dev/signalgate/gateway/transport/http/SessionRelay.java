package dev.signalgate.gateway.transport.http;

import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * Passes a request for a session that another node holds to that node, and its answer (or its event stream)
 * back: what lets a load balancer send a session's requests to any node. The session id names its node.
 */
interface SessionRelay {

    /** A single node: every session is this node's own, or unknown. */
    SessionRelay NONE = new SessionRelay() {
        @Override
        public boolean ownedElsewhere(String sessionId) {
            return false;
        }

        @Override
        public Mono<Void> forward(ServerWebExchange exchange, String userId, String sessionId, String resource) {
            return Mono.error(new IllegalStateException("no other node to forward to"));
        }
    };

    /** Whether the id names another node, alive or not. */
    boolean ownedElsewhere(String sessionId);

    /**
     * Answers {@code exchange} with what the owning node answers: {@code resource} is {@code events},
     * {@code poll}, {@code frames} or "" (the session itself, DELETE). The token was checked here; the owner
     * checks that {@code userId} owns the session.
     */
    Mono<Void> forward(ServerWebExchange exchange, String userId, String sessionId, String resource);
}
