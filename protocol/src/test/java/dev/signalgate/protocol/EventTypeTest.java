package dev.signalgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventTypeTest {

    /** Every type the wire contract names (sections 2 to 5), by constant. */
    private static final Map<EventType, String> CONTRACT_NAMES = new LinkedHashMap<>();

    static {
        CONTRACT_NAMES.put(EventType.CHAT_JOIN_ROOM, "chat:join_room");
        CONTRACT_NAMES.put(EventType.CHAT_LEAVE_ROOM, "chat:leave_room");
        CONTRACT_NAMES.put(EventType.CHAT_SEND_MESSAGE, "chat:send_message");
        CONTRACT_NAMES.put(EventType.CHAT_TYPING, "chat:typing");
        CONTRACT_NAMES.put(EventType.CHAT_STOP_TYPING, "chat:stop_typing");
        CONTRACT_NAMES.put(EventType.CHAT_MARK_SEEN, "chat:mark_seen");
        CONTRACT_NAMES.put(EventType.CHAT_HISTORY, "chat:history");
        CONTRACT_NAMES.put(EventType.CHAT_MESSAGE, "chat:message");
        CONTRACT_NAMES.put(EventType.CHAT_CONFIRMED, "chat:confirmed");
        CONTRACT_NAMES.put(EventType.CHAT_FAILED, "chat:failed");
        CONTRACT_NAMES.put(EventType.CHAT_USER_JOINED, "chat:user_joined");
        CONTRACT_NAMES.put(EventType.CHAT_USER_LEFT, "chat:user_left");
        CONTRACT_NAMES.put(EventType.CHAT_SEEN, "chat:seen");
        CONTRACT_NAMES.put(EventType.WEBRTC_JOIN_ROOM, "webrtc:join_room");
        CONTRACT_NAMES.put(EventType.WEBRTC_LEAVE_ROOM, "webrtc:leave_room");
        CONTRACT_NAMES.put(EventType.WEBRTC_OFFER, "webrtc:offer");
        CONTRACT_NAMES.put(EventType.WEBRTC_ANSWER, "webrtc:answer");
        CONTRACT_NAMES.put(EventType.WEBRTC_ICE_CANDIDATE, "webrtc:ice_candidate");
        CONTRACT_NAMES.put(EventType.WEBRTC_PEER_JOINED, "webrtc:peer_joined");
        CONTRACT_NAMES.put(EventType.WEBRTC_PEER_LEFT, "webrtc:peer_left");
        CONTRACT_NAMES.put(EventType.WELCOME, "welcome");
        CONTRACT_NAMES.put(EventType.ACK, "ack");
        CONTRACT_NAMES.put(EventType.ERROR, "error");
    }

    /** Every type the project adds to the contract, by constant. */
    private static final Map<EventType, String> EXTENSION_NAMES = new LinkedHashMap<>();

    static {
        EXTENSION_NAMES.put(EventType.AUTH_REFRESH, "auth:refresh");
        EXTENSION_NAMES.put(EventType.AUTH_ROOMS_REVOKED, "auth:rooms_revoked");
        EXTENSION_NAMES.put(EventType.WEBRTC_ADMIT, "webrtc:admit");
        EXTENSION_NAMES.put(EventType.WEBRTC_DECLINE, "webrtc:decline");
        EXTENSION_NAMES.put(EventType.WEBRTC_ICE_SERVERS, "webrtc:ice_servers");
        EXTENSION_NAMES.put(EventType.WEBRTC_WAITING, "webrtc:waiting");
        EXTENSION_NAMES.put(EventType.WEBRTC_ADMISSION_REQUESTED, "webrtc:admission_requested");
        EXTENSION_NAMES.put(EventType.WEBRTC_ADMISSION_CANCELLED, "webrtc:admission_cancelled");
        EXTENSION_NAMES.put(EventType.WEBRTC_ADMITTED, "webrtc:admitted");
        EXTENSION_NAMES.put(EventType.WEBRTC_DECLINED, "webrtc:declined");
        EXTENSION_NAMES.put(EventType.WEBRTC_PEER_RECONNECTING, "webrtc:peer_reconnecting");
        EXTENSION_NAMES.put(EventType.WEBRTC_PEER_RESUMED, "webrtc:peer_resumed");
        EXTENSION_NAMES.put(EventType.WEBRTC_CALL_STATE, "webrtc:call_state");
    }

    @Test
    void wireNamesMatchTheContractExactly() {
        CONTRACT_NAMES.forEach((type, wireName) -> assertThat(type.wireName()).as(type.name()).isEqualTo(wireName));
    }

    @Test
    void theTypesBeyondTheContractAreTheDocumentedExtensions() {
        Set<EventType> extra = Arrays.stream(EventType.values())
                .filter(type -> !CONTRACT_NAMES.containsKey(type))
                .collect(Collectors.toSet());
        assertThat(extra).containsExactlyInAnyOrderElementsOf(EXTENSION_NAMES.keySet());
        EXTENSION_NAMES.forEach((type, wireName) -> assertThat(type.wireName()).as(type.name()).isEqualTo(wireName));
    }

    @Test
    void wireNamesAreUnique() {
        assertThat(Arrays.stream(EventType.values()).map(EventType::wireName)).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyTypeIsFoundByItsWireName(EventType type) {
        assertThat(EventType.fromWireName(type.wireName())).isSameAs(type);
    }

    @Test
    void unknownWireNamesFindNothing() {
        assertThat(EventType.fromWireName("foo")).isNull();
        assertThat(EventType.fromWireName("chat:nope")).isNull();
        assertThat(EventType.fromWireName("queue:updated")).isNull();
        assertThat(EventType.fromWireName("CHAT:JOIN_ROOM")).isNull();
        assertThat(EventType.fromWireName("join_room")).isNull();
        assertThat(EventType.fromWireName("")).isNull();
        assertThat(EventType.fromWireName(null)).isNull();
    }

    @Test
    void clientsMaySendExactlyTheContractsClientToServerTypes() {
        Set<EventType> sendable = Arrays.stream(EventType.values())
                .filter(EventType::clientSendable)
                .collect(Collectors.toSet());
        assertThat(sendable).containsExactlyInAnyOrder(
                EventType.CHAT_JOIN_ROOM, EventType.CHAT_LEAVE_ROOM, EventType.CHAT_SEND_MESSAGE,
                EventType.CHAT_TYPING, EventType.CHAT_STOP_TYPING, EventType.CHAT_MARK_SEEN, EventType.CHAT_HISTORY,
                EventType.WEBRTC_JOIN_ROOM, EventType.WEBRTC_LEAVE_ROOM, EventType.WEBRTC_OFFER,
                EventType.WEBRTC_ANSWER, EventType.WEBRTC_ICE_CANDIDATE, EventType.AUTH_REFRESH,
                EventType.WEBRTC_ADMIT, EventType.WEBRTC_DECLINE);
    }

    @Test
    void relayedTypesTravelBothWays() {
        assertThat(Arrays.stream(EventType.values()).filter(type -> type.direction() == Direction.BOTH))
                .containsExactlyInAnyOrder(EventType.CHAT_TYPING, EventType.CHAT_STOP_TYPING,
                        EventType.WEBRTC_OFFER, EventType.WEBRTC_ANSWER, EventType.WEBRTC_ICE_CANDIDATE);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void namespaceMatchesTheWirePrefixAndOnlyChatAndWebrtcTypesNeedARoom(EventType type) {
        switch (type.namespace()) {
            case CHAT -> assertThat(type.wireName()).startsWith("chat:");
            case WEBRTC -> assertThat(type.wireName()).startsWith("webrtc:");
            case CONTROL -> assertThat(type.wireName()).doesNotStartWith("chat:").doesNotStartWith("webrtc:");
        }
        assertThat(type.needsRoom()).isEqualTo(type.namespace() != Namespace.CONTROL);
    }

    @Test
    void gatewayPrefixesAreReservedForBackends() {
        assertThat(Namespace.isReserved("chat")).isTrue();
        assertThat(Namespace.isReserved("webrtc")).isTrue();
        assertThat(Namespace.isReserved("auth")).isTrue();
        assertThat(Namespace.isReserved("queue")).isFalse();
        assertThat(Namespace.isReserved("appointment")).isFalse();
    }
}
