package dev.signalgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CloseCodeTest {

    @Test
    void codesAreTheContractsNumbers() {
        assertThat(CloseCode.NORMAL.code()).isEqualTo(1000);
        assertThat(CloseCode.GOING_AWAY.code()).isEqualTo(1001);
        assertThat(CloseCode.POLICY_VIOLATION.code()).isEqualTo(1008);
        assertThat(CloseCode.TOO_BIG.code()).isEqualTo(1009);
        assertThat(CloseCode.INTERNAL_ERROR.code()).isEqualTo(1011);
        assertThat(CloseCode.SLOW_CONSUMER.code()).isEqualTo(4008);
    }

    @Test
    void allCodesAreDistinct() {
        assertThat(Arrays.stream(CloseCode.values()).map(CloseCode::code)).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @EnumSource(CloseCode.class)
    void everyCodeMayBeSentInACloseFrame(CloseCode code) {
        // RFC 6455 7.4: 1000-1011 defined by the RFC (1004-1006 never sent), 4000-4999 private use
        assertThat(code.code()).satisfiesAnyOf(
                c -> assertThat(c).isBetween(1000, 1011).isNotIn(1004, 1005, 1006),
                c -> assertThat(c).isBetween(4000, 4999));
    }

    @ParameterizedTest
    @EnumSource(CloseCode.class)
    void everyReasonFitsInAControlFrame(CloseCode code) {
        // a close frame's payload is at most 125 bytes, two of them for the code
        assertThat(code.reason()).isNotBlank();
        assertThat(code.reason().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
    }

    @Test
    void clientsReconnectAfterShutdownAndSlowConsumerAndResumeWithSince() {
        assertThat(CloseCode.GOING_AWAY.shouldReconnect()).isTrue();
        assertThat(CloseCode.SLOW_CONSUMER.shouldReconnect()).isTrue();
    }

    @Test
    void clientsDoNotReconnectAfterANormalClosePolicyViolationOrTooBigFrame() {
        assertThat(CloseCode.NORMAL.shouldReconnect()).isFalse();
        assertThat(CloseCode.POLICY_VIOLATION.shouldReconnect()).isFalse();
        assertThat(CloseCode.TOO_BIG.shouldReconnect()).isFalse();
    }
}
