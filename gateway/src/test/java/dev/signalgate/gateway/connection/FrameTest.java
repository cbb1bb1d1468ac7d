package dev.signalgate.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;

/** {@link Frame#wire()} against Netty's own WebSocket decoder, at every header size RFC 6455 has. */
class FrameTest {

    @Test
    void everyPayloadLengthDecodesToTheSameTextFrame() {
        for (int length : List.of(0, 1, 125, 126, 127, 65_535, 65_536, 1_700_000)) {
            byte[] json = new byte[length];
            Arrays.fill(json, (byte) 'x');
            Frame frame = Frame.essential("chat:confirmed", json);

            EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 2_000_000));
            client.writeInbound(frame.wire());
            TextWebSocketFrame decoded = client.readInbound();

            assertThat(decoded).as("length %d", length).isNotNull();
            assertThat(decoded.isFinalFragment()).isTrue();
            assertThat(decoded.content()).isEqualTo(Unpooled.wrappedBuffer(json));
            decoded.release();
            client.finishAndReleaseAll();
        }
    }

    @Test
    void eachSocketGetsABufferOfItsOwn() {
        Frame frame = Frame.essential("chat:message", "{\"type\":\"chat:message\"}".getBytes());
        ByteBuf first = frame.wire();
        ByteBuf second = frame.wire();

        first.skipBytes(first.readableBytes());
        first.release();

        assertThat(second.readableBytes()).isEqualTo(2 + frame.json().length);
        assertThat(second.refCnt()).isEqualTo(1);
        second.release();
        assertThat(frame.wire().readableBytes()).isEqualTo(2 + frame.json().length);
    }
}
