package dev.signalgate.gateway.config;

import java.util.Map;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.config.CorsRegistry;
import org.springframework.web.reactive.config.ResourceHandlerRegistry;
import org.springframework.web.reactive.config.WebFluxConfigurer;

import dev.signalgate.gateway.auth.OriginPolicy;

/**
 * {@code /client/} serves the browser adapter (the npm package's files, see CLIENT.md) so that a page can import it
 * straight from the gateway.
 *
 * <p>The media types are set here because the defaults mislead: a {@code .ts} file is MPEG transport stream video
 * to Spring's table, so {@code gateway-client.d.ts} would be served as {@code video/mp2t}. The files are also
 * readable cross-origin from the origins in {@code gateway.allowed-origins} (any origin when the list is empty, as
 * for the socket): a front end on its own dev server imports {@code gateway-client.js} as a module, and module
 * scripts are always fetched in CORS mode. No credentials are involved: these are public files.
 */
@Configuration(proxyBeanMethods = false)
class ClientFilesConfiguration implements WebFluxConfigurer {

    static final String PATH = "/client/**";

    private final OriginPolicy origins;

    ClientFilesConfiguration(OriginPolicy origins) {
        this.origins = origins;
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler(PATH).addResourceLocations("classpath:/static/client/")
                .setMediaTypes(Map.of(
                        "js", MediaType.parseMediaType("text/javascript;charset=UTF-8"),
                        // Only declarations live here: readable in a browser tab, never taken for video.
                        "ts", MediaType.parseMediaType("text/plain;charset=UTF-8"),
                        "md", MediaType.parseMediaType("text/markdown;charset=UTF-8"),
                        "json", MediaType.APPLICATION_JSON));
    }

    @Override
    public void addCorsMappings(CorsRegistry registry) {
        String[] allowed = origins.restricted() ? origins.origins().toArray(String[]::new) : new String[] {"*"};
        registry.addMapping(PATH).allowedOrigins(allowed)
                .allowedMethods(HttpMethod.GET.name(), HttpMethod.HEAD.name())
                .allowCredentials(false);
    }
}
