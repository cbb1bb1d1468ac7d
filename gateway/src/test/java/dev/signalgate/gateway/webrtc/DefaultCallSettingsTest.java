package dev.signalgate.gateway.webrtc;

import static dev.signalgate.gateway.webrtc.CallClients.connect;
import static dev.signalgate.gateway.webrtc.CallClients.join;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import tools.jackson.databind.JsonNode;

/** A gateway with no call settings behaves as the wire contract says, with no extension in the way. */
@GatewayTest
class DefaultCallSettingsTest {

    @LocalServerPort
    int port;

    @Test
    void withoutIceSettingsTheAckHasNoIceServersSoClientsKeepTheirOwn() {
        try (TestClient doctor = connect(port, "doctor", "doctor")) {
            JsonNode ack = join(doctor, "call-defaults");
            assertThat(ack.has("iceServers")).isFalse();
            assertThat(ack.path("peers").toString()).isEqualTo("[]");
        }
    }

    @Test
    void withoutAdmissionRoomsAPatientJoinsAConsultationDirectly() {
        try (TestClient patient = connect(port, "patient", "patient")) {
            JsonNode ack = join(patient, "consult-defaults");
            assertThat(ack.has("status")).isFalse();
            assertThat(ack.path("room").asString()).isEqualTo("consult-defaults");
        }
    }
}
