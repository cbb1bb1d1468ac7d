package dev.signalgate.gateway.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NegotiationRoleTest {

    @Test
    void theUserWhoseIdSortsAfterThePeersIsPolite() {
        assertThat(NegotiationRole.of("bob", "alice")).isEqualTo("polite");
        assertThat(NegotiationRole.of("alice", "bob")).isEqualTo("impolite");
    }

    @Test
    void bothSidesOfAPairGetOppositeRoles() {
        for (String[] pair : new String[][] {{"doctor", "patient"}, {"u-10", "u-9"}, {"A", "a"}}) {
            assertThat(NegotiationRole.of(pair[0], pair[1])).isNotEqualTo(NegotiationRole.of(pair[1], pair[0]));
        }
    }
}
