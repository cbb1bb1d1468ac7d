package dev.signalgate.gateway.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * The gateway on a random port with the test secret, its embedded store in a fresh directory per test context,
 * and {@code https://clinic.example} as the only allowed origin. Tests talk to it with {@link TestClient}. The
 * rate limit is lifted here because these tests send bursts on purpose; the limits have their own tests.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.jwt.secret=" + Tokens.SECRET,
        "gateway.allowed-origins=https://clinic.example",
        "gateway.data-dir=${java.io.tmpdir}/signalgate-test-${random.uuid}",
        "gateway.outbound.close-timeout=2s",
        "gateway.limits.rate-per-second=100000",
        "gateway.limits.rate-burst=100000",
        // Headroom for a loaded test machine: the embedded store is CPU-bound; outages have their own test.
        "gateway.store.write-timeout=20s"})
public @interface GatewayTest {
}
