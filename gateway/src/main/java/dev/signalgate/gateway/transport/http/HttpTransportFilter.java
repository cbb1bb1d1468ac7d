package dev.signalgate.gateway.transport.http;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.signalgate.gateway.auth.BearerTokens;
import dev.signalgate.gateway.auth.HandshakeFilter;
import dev.signalgate.gateway.auth.OriginPolicy;
import dev.signalgate.gateway.auth.UserPrincipal;
import reactor.core.publisher.Mono;

/**
 * Routes {@code /ws/http/sessions/**} to {@link HttpTransportEndpoints}, after the upgrade's own checks
 * ({@link HandshakeFilter#admit}: origin, then token, with its statuses and JSON) on every request, and the
 * session's owner check on every request to a session.
 *
 * <p>A filter rather than a router so that the refusals are written exactly as the upgrade writes them. The
 * token comes from the {@code Authorization} header only: unlike a WebSocket, every request here can carry one,
 * so it never travels in a URL. Cross-origin pages get CORS answers for the origins the policy allows.
 */
final class HttpTransportFilter implements WebFilter, Ordered {

    static final String PREFIX = "/ws/http/sessions";

    private final HandshakeFilter handshake;
    private final OriginPolicy origins;
    private final HttpSessions sessions;
    private final HttpTransportEndpoints endpoints;
    private final SessionRelay relay;

    /**
     * @param relay passes on a request for a session of another node (cluster mode); {@link SessionRelay#NONE}
     *     on a single node
     */
    HttpTransportFilter(HandshakeFilter handshake, OriginPolicy origins, HttpSessions sessions,
            HttpTransportEndpoints endpoints, SessionRelay relay) {
        this.handshake = handshake;
        this.origins = origins;
        this.sessions = sessions;
        this.endpoints = endpoints;
        this.relay = relay;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 11;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().pathWithinApplication().value();
        if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
            return chain.filter(exchange);
        }
        String origin = request.getHeaders().getOrigin();
        if (origin != null && origins.allows(origin)) {
            HttpHeaders headers = exchange.getResponse().getHeaders();
            headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.add(HttpHeaders.VARY, HttpHeaders.ORIGIN);
        }
        HttpMethod method = request.getMethod();
        if (HttpMethod.OPTIONS.equals(method)) {
            return preflight(exchange, origin);
        }
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        // "" → the collection; ["", id] → a session; ["", id, resource] → a session's resource.
        if (parts.length == 1 && parts[0].isEmpty()) {
            return HttpMethod.POST.equals(method)
                    ? admitted(exchange, true).flatMap(principal -> endpoints.open(exchange, principal))
                    : notAllowed(exchange, "POST");
        }
        if (parts.length < 2 || parts.length > 3 || parts[1].isEmpty()) {
            return Responses.error(exchange, HttpStatus.NOT_FOUND, "not_found", "no such resource");
        }
        String id = parts[1];
        String resource = parts.length == 3 ? parts[2] : "";
        String expected = switch (resource) {
            case "" -> "DELETE";
            case "events", "poll" -> "GET";
            case "frames" -> "POST";
            default -> null;
        };
        if (expected == null) {
            return Responses.error(exchange, HttpStatus.NOT_FOUND, "not_found", "no such resource: " + resource
                    + " (expected events, poll or frames)");
        }
        if (!expected.equals(method.name())) {
            return notAllowed(exchange, expected);
        }
        return admitted(exchange, false).flatMap(principal -> {
            HttpSessions.Lookup found = sessions.find(id);
            if (found.session() == null && found.ended() == null && relay.ownedElsewhere(id)) {
                return relay.forward(exchange, principal.userId(), id, resource);
            }
            Answer refused = refusal(found, principal.userId());
            if (refused != null) {
                return refused.write(exchange);
            }
            HttpSession session = found.session();
            return switch (resource) {
                case "events" -> endpoints.events(exchange, session);
                case "poll" -> endpoints.poll(session, request.getQueryParams().getFirst("after"))
                        .flatMap(answer -> answer.write(exchange));
                case "frames" -> endpoints.frames(session, request.getQueryParams().getFirst("ack"),
                        request.getQueryParams().getFirst("batch"), endpoints.body(request))
                        .flatMap(answer -> answer.write(exchange));
                default -> endpoints.end(session).write(exchange);
            };
        });
    }

    /** Why a request may not use the session it names (404, 410 with the close code, 403), or null. */
    static Answer refusal(HttpSessions.Lookup found, String userId) {
        if (found.session() == null) {
            return found.ended() == null
                    ? Answer.error(HttpStatus.NOT_FOUND, "not_found", "no such session: open one with POST " + PREFIX)
                    : Answer.closed(HttpStatus.GONE, found.ended());
        }
        if (!found.session().connection().userId().equals(userId)) {
            return Answer.error(HttpStatus.FORBIDDEN, "forbidden", "this session belongs to another user");
        }
        return null;
    }

    private Mono<UserPrincipal> admitted(ServerWebExchange exchange, boolean opening) {
        return handshake.admit(exchange, BearerTokens.fromHeader(exchange.getRequest()), opening);
    }

    private Mono<Void> preflight(ServerWebExchange exchange, String origin) {
        if (!origins.allows(origin)) {
            return Responses.error(exchange, HttpStatus.FORBIDDEN, "forbidden", "origin not allowed");
        }
        ServerHttpResponse response = exchange.getResponse();
        HttpHeaders headers = response.getHeaders();
        headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, DELETE");
        headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type, Last-Event-ID");
        headers.set(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "600");
        response.setStatusCode(HttpStatus.NO_CONTENT);
        return response.setComplete();
    }

    private static Mono<Void> notAllowed(ServerWebExchange exchange, String allowed) {
        exchange.getResponse().getHeaders().set(HttpHeaders.ALLOW, allowed);
        return Responses.error(exchange, HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                "expected " + allowed);
    }
}
