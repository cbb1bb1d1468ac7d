package dev.signalgate.gateway.webrtc;

import java.util.List;

import dev.signalgate.gateway.auth.RoomAccess;
import dev.signalgate.gateway.auth.UserPrincipal;

/**
 * Which calls have a waiting room, and who admits to them.
 *
 * <p>A call has a waiting room when its room id matches one of the configured patterns, written like the
 * token's {@code rooms} claim ({@code consult-*}, an exact room id, or {@code *}). In such a call, a user whose
 * token {@code role} is an admitting role ({@code doctor} by default) joins directly and may admit or decline the
 * others; everyone else waits until admitted. The rule lives in configuration rather than in a join flag so that
 * a patient cannot skip the waiting room by joining first, and a clinic sets it once for all its consultations.
 */
final class AdmissionPolicy {

    private final RoomAccess rooms;
    private final List<String> admittingRoles;

    AdmissionPolicy(List<String> roomPatterns, List<String> admittingRoles) {
        this.rooms = RoomAccess.of(roomPatterns);
        this.admittingRoles = List.copyOf(admittingRoles);
    }

    /** The roles that admit, for error messages. */
    List<String> admittingRoles() {
        return admittingRoles;
    }

    /** Whether the call of {@code room} has a waiting room. */
    boolean appliesTo(String room) {
        return rooms.allows(room);
    }

    /** Whether {@code user} may admit and decline (and so never waits). */
    boolean admits(UserPrincipal user) {
        return user.role() != null && admittingRoles.contains(user.role());
    }

    /** Whether {@code user} must wait for admission to the call of {@code room}. */
    boolean mustWait(String room, UserPrincipal user) {
        return appliesTo(room) && !admits(user);
    }

    /** Whether {@code user} admits in the call of {@code room}, so it hears of the waiting users. */
    boolean admitsIn(String room, UserPrincipal user) {
        return appliesTo(room) && admits(user);
    }
}
