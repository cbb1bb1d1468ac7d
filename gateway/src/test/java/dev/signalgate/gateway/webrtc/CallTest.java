package dev.signalgate.gateway.webrtc;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.test.context.TestPropertySource;

import dev.signalgate.gateway.support.GatewayTest;

/**
 * The gateway of {@link GatewayTest} set up as a clinic's consultation service: a 2 s reconnect grace (short, so
 * tests see it end without waiting 30 s), waiting rooms for {@code consult-*} calls admitted by {@code doctor}s,
 * and STUN plus TURN with a known secret. Every class with this annotation shares one gateway.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@GatewayTest
@TestPropertySource(properties = {
        "gateway.call.reconnect-grace=" + CallTest.GRACE_SECONDS + "s",
        "gateway.call.admission-rooms=consult-*",
        "gateway.turn.stun-urls=" + CallTest.STUN_URL,
        "gateway.turn.urls=" + CallTest.TURN_URL + "," + CallTest.TURNS_URL,
        "gateway.turn.secret=" + CallTest.TURN_SECRET})
public @interface CallTest {

    int GRACE_SECONDS = 2;
    String STUN_URL = "stun:stun.clinic.example:3478";
    String TURN_URL = "turn:turn.clinic.example:3478?transport=udp";
    String TURNS_URL = "turns:turn.clinic.example:5349?transport=tcp";
    String TURN_SECRET = "north-wind-turn-secret";
}
