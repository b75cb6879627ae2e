package dev.agentlog.processor.internal;

import dev.agentlog.events.RecordPosition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * An input record held back behind a missing stream position, exactly as it arrived (key, value, headers,
 * timestamp, origin), so that it can be refused with its original bytes, with what its release needs without
 * decoding it again: its tenant and its value of record (the value as the log of record gets it at its position).
 * Serialised with a leading format version so that a later layout can still read what a restart restores: format 1
 * (before the tenant and the value of record were kept) is read with {@link #ofRecord()} null, and its release decodes
 * the value as it did then.
 *
 * @param tenant the event's tenant, null for none (and for format 1: unknown)
 * @param ofRecord the value of record at the held position; null when not known (format 1)
 */
public record HeldRecord(String eventId, String tenant, long heldSinceMs, long timestamp, RecordPosition origin,
        byte[] key, byte[] value, byte[] ofRecord, Headers headers) {
    private static final byte FORMAT_1 = 1;
    private static final byte FORMAT_2 = 2;

    public byte[] toBytes() {
        if (ofRecord == null) {
            throw new IllegalStateException("held event " + eventId + " has no value of record");
        }
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length + 256);
             DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_2);
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
            // format 2: appended, so that the fields above are where format 1 has them
            out.writeBoolean(tenant != null);
            out.writeUTF(tenant == null ? "" : tenant);
            boolean same = Arrays.equals(ofRecord, value);
            out.writeBoolean(same); // usually: a held event carries its position already
            if (!same) {
                writeBytes(out, ofRecord);
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
            byte format = in.readByte();
            checkFormat(format);
            String eventId = in.readUTF();
            long heldSince = in.readLong();
            long timestamp = in.readLong();
            boolean hasTopic = in.readBoolean();
            String topic = in.readUTF();
            RecordPosition origin = new RecordPosition(hasTopic ? topic : null, in.readInt(), in.readLong());
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            int count = in.readInt();
            Headers headers = new RecordHeaders();
            for (int i = 0; i < count; i++) {
                headers.add(in.readUTF(), readBytes(in));
            }
            String tenant = null;
            byte[] ofRecord = null;
            if (format == FORMAT_2) {
                boolean hasTenant = in.readBoolean();
                String text = in.readUTF();
                tenant = hasTenant ? text : null;
                ofRecord = in.readBoolean() ? value : readBytes(in);
            }
            return new HeldRecord(eventId, tenant, heldSince, timestamp, origin, key, value, ofRecord, headers);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a held event from the state store", e);
        }
    }

    private static void checkFormat(byte format) {
        if (format != FORMAT_1 && format != FORMAT_2) {
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
