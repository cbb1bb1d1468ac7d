package dev.signalgate.gateway.transport.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How buffered events travel: as Server-Sent Events on the stream, as a JSON array on a long-poll. Either way
 * the envelope's JSON goes as it was encoded for the room, byte for byte.
 *
 * <p>One {@code data:} line per event is enough: the codec writes compact JSON, where a line break can only
 * appear escaped inside a string.
 */
final class EventFormats {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private EventFormats() {
    }

    /** {@code id: n}, {@code event: close} for the last one, {@code data: <json>}. */
    static byte[] sse(EventBuffer.Event event) {
        String head = "id: " + event.id() + "\n" + (event.name() == null ? "" : "event: " + event.name() + "\n");
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] json = event.json();
        byte[] out = new byte[headBytes.length + DATA.length + json.length + END.length];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        System.arraycopy(DATA, 0, out, headBytes.length, DATA.length);
        System.arraycopy(json, 0, out, headBytes.length + DATA.length, json.length);
        System.arraycopy(END, 0, out, out.length - END.length, END.length);
        return out;
    }

    /** A comment line: readers ignore it, proxies see traffic. */
    static byte[] comment(String text) {
        return (": " + text + "\n\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code {"events":[{"id":1,"data":{…}},{"id":2,"event":"close","data":{…}}]}}. */
    static byte[] poll(List<EventBuffer.Event> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + events.size() * 128);
        out.writeBytes("{\"events\":[".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < events.size(); i++) {
            EventBuffer.Event event = events.get(i);
            String head = (i == 0 ? "" : ",") + "{\"id\":" + event.id()
                    + (event.name() == null ? "" : ",\"event\":\"" + event.name() + "\"") + ",\"data\":";
            out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(event.json());
            out.write('}');
        }
        out.writeBytes("]}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
