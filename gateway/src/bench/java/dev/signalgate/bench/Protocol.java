package dev.signalgate.bench;

import java.net.URI;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * How the load driver speaks to one kind of server: the gateway's JSON envelopes, or Socket.IO v5 over Engine.IO v4
 * on the websocket transport. Both carry the same scenario: authenticate, join a room (acknowledged), send a chat
 * message (acknowledged) whose {@code body} the server relays to the room's other members.
 *
 * <p>Bodies are {@link Body#encode machine-readable}: sender, sequence number and send time, so that every
 * receiver can tell latency and completeness without any other bookkeeping.
 */
interface Protocol {

    String name();

    URI uri(String host, int port);

    HttpHeaders handshakeHeaders(String token);

    /** Called with each text frame until it answers true: the connection is then ready for the scenario. */
    boolean opening(Client client, String text);

    String join(String room, long ackId);

    String send(String room, String tempId, String body, long ackId);

    /** Classifies a text frame of a ready connection and reports it to {@code events}. */
    void dispatch(Client client, String text, Events events);

    /** What a phase wants to hear about. Called on the connection's event loop. */
    interface Events {

        default void ack(Client client, long ackId) {
            client.acked(ackId);
        }

        /** Another member's chat message, relayed at once (gateway {@code chat:message}). */
        default void message(Client client, String body) {
        }

        /** A persisted message's confirmation (gateway only: Socket.IO has no persistence). */
        default void confirmed(Client client, String body) {
        }

        /** A message the server could not store ({@code chat:failed}), for its sender. */
        default void failed(Client client, String from) {
        }

        /** The same, with the failed message's tempId, for phases that file failures by message. */
        default void failed(Client client, String from, String tempId) {
            failed(client, from);
        }

        /** An error frame, or a frame the driver cannot read: counted, and the first few printed. */
        default void error(Client client, String text) {
            if (Client.ERRORS.incrementAndGet() <= 3) {
                System.err.println("  " + client.protocol.name() + " answered " + client.userId + " with: "
                        + (text.length() > 300 ? text.substring(0, 300) + "…" : text));
            }
        }
    }

    /** The gateway's envelopes: {@code {"type":"…","id":"…","room":"…","data":{…}}}. */
    final class Gateway implements Protocol {

        @Override
        public String name() {
            return "gateway";
        }

        @Override
        public URI uri(String host, int port) {
            return URI.create("ws://" + host + ":" + port + "/ws");
        }

        @Override
        public HttpHeaders handshakeHeaders(String token) {
            return new DefaultHttpHeaders().add("Authorization", "Bearer " + token);
        }

        @Override
        public boolean opening(Client client, String text) {
            return text.startsWith("{\"type\":\"welcome\"");
        }

        @Override
        public String join(String room, long ackId) {
            return "{\"type\":\"chat:join_room\",\"id\":\"" + ackId + "\",\"room\":\"" + room + "\"}";
        }

        @Override
        public String send(String room, String tempId, String body, long ackId) {
            return "{\"type\":\"chat:send_message\",\"id\":\"" + ackId + "\",\"room\":\"" + room
                    + "\",\"data\":{\"tempId\":\"" + tempId + "\",\"body\":\"" + body + "\"}}";
        }

        @Override
        public void dispatch(Client client, String text, Events events) {
            // The gateway writes "type" first: {"type":"<type>",…
            if (!text.startsWith("{\"type\":\"")) {
                events.error(client, text);
                return;
            }
            int end = text.indexOf('"', 9);
            String type = text.substring(9, end);
            switch (type) {
                case "chat:message" -> events.message(client, Body.of(text));
                case "chat:confirmed" -> events.confirmed(client, Body.of(text));
                case "ack" -> events.ack(client, ackId(text, end));
                case "chat:failed" -> events.failed(client, field(text, "\"from\":\""),
                        field(text, "\"tempId\":\""));
                case "error" -> events.error(client, text);
                default -> {
                    // presence and the like: not measured
                }
            }
        }

        private static long ackId(String text, int from) {
            int start = text.indexOf("\"id\":\"", from);
            return start < 0 ? -1 : Body.number(text, start + 6);
        }

        private static String field(String text, String marker) {
            int start = text.indexOf(marker);
            if (start < 0) {
                return null;
            }
            start += marker.length();
            return text.substring(start, text.indexOf('"', start));
        }
    }

    /**
     * Socket.IO v5 over Engine.IO v4, websocket transport only: open packet {@code 0{…}}, connect {@code 40{auth}}
     * answered by {@code 40{"sid":…}}, events {@code 42["name",payload]}, acknowledged events
     * {@code 42<id>["name",payload]} answered by {@code 43<id>[…]}, ping {@code 2} answered by pong {@code 3}.
     */
    final class SocketIo implements Protocol {

        @Override
        public String name() {
            return "socket.io";
        }

        @Override
        public URI uri(String host, int port) {
            return URI.create("ws://" + host + ":" + port + "/socket.io/?EIO=4&transport=websocket");
        }

        @Override
        public HttpHeaders handshakeHeaders(String token) {
            return new DefaultHttpHeaders();
        }

        @Override
        public boolean opening(Client client, String text) {
            if (text.startsWith("0{")) {
                client.send("40{\"token\":\"" + client.token + "\"}");
                return false;
            }
            if (text.startsWith("40")) {
                return true;
            }
            if (text.startsWith("44")) {
                client.fail("socket.io refused the connection: " + text);
            }
            return false;
        }

        @Override
        public String join(String room, long ackId) {
            return "42" + ackId + "[\"chat:join_room\",{\"room\":\"" + room + "\"}]";
        }

        @Override
        public String send(String room, String tempId, String body, long ackId) {
            return "42" + ackId + "[\"chat:send_message\",{\"room\":\"" + room + "\",\"tempId\":\"" + tempId
                    + "\",\"body\":\"" + body + "\"}]";
        }

        @Override
        public void dispatch(Client client, String text, Events events) {
            if (text.equals("2")) {
                client.send("3");
            } else if (text.startsWith("42[\"chat:message\"")) {
                events.message(client, Body.of(text));
            } else if (text.startsWith("43")) {
                events.ack(client, Body.number(text, 2));
            } else if (text.startsWith("44") || text.startsWith("41")) {
                events.error(client, text);
            }
        }
    }
}
