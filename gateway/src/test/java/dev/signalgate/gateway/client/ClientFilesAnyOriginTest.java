package dev.signalgate.gateway.client;

import static dev.signalgate.gateway.client.ClientFiles.get;
import static dev.signalgate.gateway.client.ClientFiles.header;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.Tokens;

/** With no {@code gateway.allowed-origins}, like the socket, {@code /client/} may be imported from any origin. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.jwt.secret=" + Tokens.SECRET,
        "gateway.allowed-origins=",
        "gateway.data-dir=${java.io.tmpdir}/signalgate-client-files-${random.uuid}"})
class ClientFilesAnyOriginTest {

    @LocalServerPort
    int port;

    @Test
    void anyOriginMayImportTheAdapterWhenNoneIsConfigured() throws Exception {
        HttpResponse<String> response = get(port, "/client/gateway-client.js", "http://localhost:5173");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(header(response, "Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(header(response, "Content-Type")).startsWith("text/javascript");
    }
}
