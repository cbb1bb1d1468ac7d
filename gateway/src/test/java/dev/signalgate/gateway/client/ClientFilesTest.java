package dev.signalgate.gateway.client;

import static dev.signalgate.gateway.client.ClientFiles.get;
import static dev.signalgate.gateway.client.ClientFiles.header;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.GatewayTest;

/**
 * {@code /client/} as browsers and dev servers fetch it: types they accept, and CORS for the configured origins
 * ({@code https://clinic.example} in {@link GatewayTest}).
 */
@GatewayTest
class ClientFilesTest {

    private static final String ALLOWED = "https://clinic.example";

    @LocalServerPort
    int port;

    @Test
    void servesTheAdapterAsJavaScriptAndItsTypesAsText() throws Exception {
        HttpResponse<String> module = get(port, "/client/gateway-client.js", null);
        HttpResponse<String> sibling = get(port, "/client/chat-room.js", null);
        HttpResponse<String> types = get(port, "/client/gateway-client.d.ts", null);

        assertThat(module.statusCode()).isEqualTo(200);
        assertThat(header(module, "Content-Type")).startsWith("text/javascript");
        assertThat(module.body()).contains("export function connect");
        assertThat(header(sibling, "Content-Type")).startsWith("text/javascript");
        assertThat(types.statusCode()).isEqualTo(200);
        assertThat(header(types, "Content-Type")).startsWith("text/plain").doesNotContain("video");
        assertThat(types.body()).contains("export class GatewayClient");
    }

    @Test
    void aConfiguredOriginMayImportTheAdapter() throws Exception {
        HttpResponse<String> response = get(port, "/client/gateway-client.js", ALLOWED);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(header(response, "Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
        assertThat(header(response, "Access-Control-Allow-Credentials")).isNull();
    }

    @Test
    void anotherOriginGetsNoPermission() throws Exception {
        HttpResponse<String> response = get(port, "/client/gateway-client.js", "https://elsewhere.example");

        assertThat(header(response, "Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void theDemoPageStillLoadsTheAdapterFromItsOwnOrigin() throws Exception {
        HttpResponse<String> response = get(port, "/client/gateway-client.js", "http://localhost:" + port);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(header(response, "Content-Type")).startsWith("text/javascript");
    }
}
