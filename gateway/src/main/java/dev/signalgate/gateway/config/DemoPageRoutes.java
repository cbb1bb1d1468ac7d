package dev.signalgate.gateway.config;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import java.net.URI;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code /demo/} serves the demo page: WebFlux serves static files but no directory index below the root, and
 * {@code /demo/} is the address the README gives. {@code /demo} redirects there so relative links resolve.
 */
@Configuration(proxyBeanMethods = false)
class DemoPageRoutes {

    @Bean
    RouterFunction<ServerResponse> demoPage(@Value("classpath:/static/demo/index.html") Resource index) {
        return route(GET("/demo"), request -> ServerResponse.permanentRedirect(URI.create("/demo/")).build())
                .andRoute(GET("/demo/"), request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML)
                        .bodyValue(index));
    }
}
