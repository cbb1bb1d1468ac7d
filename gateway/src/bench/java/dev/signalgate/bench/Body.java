package dev.signalgate.bench;

/**
 * Message bodies the driver sends: {@code m<sender>.<seq>.<sendNanos>} followed by padding, so that each receiver
 * can tell who sent it, which message it was and how long it travelled ({@link System#nanoTime()} of this one
 * process: sender and receivers share the clock).
 */
final class Body {

    /** About the size of a short chat line once framed: 100 characters of body. */
    private static final String PADDING = " lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor";

    private Body() {
    }

    static String encode(int sender, long seq, long sendNanos) {
        String head = "m" + sender + "." + seq + "." + sendNanos;
        return head + PADDING.substring(0, Math.max(0, Math.min(PADDING.length(), 100 - head.length())));
    }

    /** The {@code body} string of a frame, or null. */
    static String of(String frame) {
        int start = frame.indexOf("\"body\":\"");
        if (start < 0) {
            return null;
        }
        start += 8;
        return frame.substring(start, frame.indexOf('"', start));
    }

    static int sender(String body) {
        return (int) number(body, 1);
    }

    static long seq(String body) {
        return number(body, body.indexOf('.') + 1);
    }

    static long sendNanos(String body) {
        return number(body, body.indexOf('.', body.indexOf('.') + 1) + 1);
    }

    /** The decimal number starting at {@code from} (with an optional minus sign), -1 if there is none. */
    static long number(String text, int from) {
        long value = 0;
        boolean negative = from < text.length() && text.charAt(from) == '-';
        int i = negative ? from + 1 : from;
        int start = i;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
        }
        if (i == start) {
            return -1;
        }
        return negative ? -value : value;
    }
}
