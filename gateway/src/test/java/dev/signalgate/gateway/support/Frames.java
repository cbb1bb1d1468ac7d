package dev.signalgate.gateway.support;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds client envelopes for tests: {@code Frames.of("chat:join_room", "r1").id("c-1").data("since", 0)}. */
public final class Frames {

    private Frames() {
    }

    public static Builder of(String type, String room) {
        return new Builder(type, room);
    }

    public static final class Builder {
        private final Map<String, Object> envelope = new LinkedHashMap<>();
        private final Map<String, Object> data = new LinkedHashMap<>();

        Builder(String type, String room) {
            envelope.put("type", type);
            if (room != null) {
                envelope.put("room", room);
            }
        }

        public Builder id(String id) {
            envelope.put("id", id);
            return this;
        }

        public Builder to(String user) {
            envelope.put("to", user);
            return this;
        }

        public Builder field(String name, Object value) {
            envelope.put(name, value);
            return this;
        }

        public Builder data(String name, Object value) {
            data.put(name, value);
            return this;
        }

        public Map<String, Object> build() {
            Map<String, Object> result = new LinkedHashMap<>(envelope);
            result.put("data", data);
            return result;
        }
    }
}
