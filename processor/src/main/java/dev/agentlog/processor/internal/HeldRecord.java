package dev.agentlog.processor.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * An input record held back behind a missing stream position, exactly as it arrived (key, value, headers,
 * timestamp, origin), so that it can be released as an event of record or refused with its original bytes.
 * Serialised with a leading format version so that a later layout can still read what a restart restores.
 */
public record HeldRecord(String eventId, long heldSinceMs, long timestamp, Origin origin, byte[] key, byte[] value,
        Headers headers) {
    private static final byte FORMAT_1 = 1;

    public byte[] toBytes() {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length + 256);
             DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_1);
            out.writeUTF(eventId);
            out.writeLong(heldSinceMs);
            out.writeLong(timestamp);
            out.writeBoolean(origin.topic() != null);
            out.writeUTF(origin.topic() == null ? "" : origin.topic());
            out.writeInt(origin.partition());
            out.writeLong(origin.offset());
            writeBytes(out, key);
            writeBytes(out, value);
            Header[] all = headers.toArray();
            out.writeInt(all.length);
            for (Header header : all) {
                out.writeUTF(header.key());
                writeBytes(out, header.value());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise held event " + eventId, e);
        }
    }

    /** When the record started waiting, read without decoding the rest. */
    public static long heldSinceOf(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            checkFormat(in.readByte());
            in.readUTF();
            return in.readLong();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a held event from the state store", e);
        }
    }

    public static HeldRecord fromBytes(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            checkFormat(in.readByte());
            String eventId = in.readUTF();
            long heldSince = in.readLong();
            long timestamp = in.readLong();
            boolean hasTopic = in.readBoolean();
            String topic = in.readUTF();
            Origin origin = new Origin(hasTopic ? topic : null, in.readInt(), in.readLong());
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            int count = in.readInt();
            Headers headers = new RecordHeaders();
            for (int i = 0; i < count; i++) {
                headers.add(in.readUTF(), readBytes(in));
            }
            return new HeldRecord(eventId, heldSince, timestamp, origin, key, value, headers);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a held event from the state store", e);
        }
    }

    private static void checkFormat(byte format) {
        if (format != FORMAT_1) {
            throw new IllegalStateException("held event stored in unknown format " + format
                    + ": state written by a newer agentlog; run that version or reset the processor's state");
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
