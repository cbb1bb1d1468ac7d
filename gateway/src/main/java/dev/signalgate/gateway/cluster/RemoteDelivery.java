package dev.signalgate.gateway.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Function;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.connection.Frame;
import dev.signalgate.gateway.room.Delivery;

/**
 * The wire form of a {@link Delivery} between nodes: a compact binary wrapper around the frame bytes the publishing
 * node already encoded, so a delivery is encoded to JSON once per cluster, not once per node.
 *
 * <pre>
 * byte    version (1)
 * UTF     origin node id      (receivers skip their own messages: they were delivered locally already)
 * UTF     room kind, room id
 * long    seq                 (0 for frames that are not persisted messages)
 * byte    flags               (1: ephemeral)
 * UTF     frame type
 * UTF     except-connection id, except-user, only-user ("" for none)
 * int     frame length, then the frame's UTF-8 JSON
 * UTF     read-mark user, long read-mark seq   (only for a chat:seen; absent otherwise, and from older nodes,
 *                                               which ignore it: the version stays 1)
 * </pre>
 */
record RemoteDelivery(String node, String kind, String room, Delivery delivery) {

    private static final int VERSION = 1;

    byte[] encode() {
        Frame frame = delivery.frame();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(frame.json().length + 96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(node);
            out.writeUTF(kind);
            out.writeUTF(room);
            out.writeLong(delivery.seq());
            out.writeByte(frame.ephemeral() ? 1 : 0);
            out.writeUTF(frame.type() == null ? "" : frame.type());
            out.writeUTF(delivery.exceptConnection() == null ? "" : delivery.exceptConnection().id());
            out.writeUTF(nonNull(delivery.exceptUser()));
            out.writeUTF(nonNull(delivery.onlyUser()));
            out.writeInt(frame.json().length);
            out.write(frame.json());
            if (delivery.readMark() != null) {
                out.writeUTF(delivery.readMark().userId());
                out.writeLong(delivery.readMark().seq());
            }
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a wrapper; the except-connection is looked up among this node's connections by {@code connections}
     * (normally it lives on the publishing node, so it resolves to null).
     */
    static RemoteDelivery decode(byte[] message, Function<String, Connection> connections) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(message))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown cluster message version " + version);
            }
            String node = in.readUTF();
            String kind = in.readUTF();
            String room = in.readUTF();
            long seq = in.readLong();
            boolean ephemeral = (in.readByte() & 1) != 0;
            String type = in.readUTF();
            String exceptConnection = in.readUTF();
            String exceptUser = in.readUTF();
            String onlyUser = in.readUTF();
            byte[] json = new byte[in.readInt()];
            in.readFully(json);
            Delivery.ReadMark readMark = in.available() > 0 ? new Delivery.ReadMark(in.readUTF(), in.readLong()) : null;
            Connection except = exceptConnection.isEmpty() ? null : connections.apply(exceptConnection);
            Delivery delivery = new Delivery(new Frame(type, json, ephemeral), seq, except, nullIfEmpty(exceptUser),
                    nullIfEmpty(onlyUser), readMark);
            return new RemoteDelivery(node, kind, room, delivery);
        } catch (IOException truncated) {
            throw new IllegalArgumentException("truncated cluster message", truncated);
        }
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }

    private static String nullIfEmpty(String value) {
        return value.isEmpty() ? null : value;
    }
}
