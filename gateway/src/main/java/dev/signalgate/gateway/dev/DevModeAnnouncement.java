package dev.signalgate.gateway.dev;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

import dev.signalgate.gateway.auth.SigningKeys;

/**
 * Once the port is bound, a development-mode gateway says where to go next: the demo page and the token endpoint,
 * on the port it actually listens on (a random one in tests, SERVER_PORT otherwise).
 */
@Component
final class DevModeAnnouncement implements ApplicationListener<WebServerInitializedEvent> {

    private static final Logger log = LoggerFactory.getLogger(DevModeAnnouncement.class);

    private final SigningKeys keys;

    DevModeAnnouncement(SigningKeys keys) {
        this.keys = keys;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        // A separate management port starts a second server, in a context of its own: announce the main one only.
        if (!keys.developmentMode() || event.getWebServer().getPort() <= 0
                || "management".equals(event.getApplicationContext().getServerNamespace())) {
            return;
        }
        String base = "http://localhost:" + event.getWebServer().getPort();
        log.info("development mode: demo page {}/demo/ ; tokens from {}/dev/token?sub=alice&rooms=consult-* (loopback"
                + " only) or java -jar gateway.jar token --sub alice --rooms 'consult-*'", base, base);
    }
}
