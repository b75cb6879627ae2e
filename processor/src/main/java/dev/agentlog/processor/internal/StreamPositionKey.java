package dev.agentlog.processor.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * A (stream_id, position) store key whose byte order is stream first, then position ascending: the length
 * of the stream id leads, so no stream id is a prefix of another's keys, and a range scan of one stream
 * returns its positions in order (positions are >= 1, so signed and unsigned big-endian order agree).
 */
public record StreamPositionKey(String streamId, long position) {

    public Bytes toBytes() {
        byte[] id = streamId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Integer.BYTES + id.length + Long.BYTES)
                .putInt(id.length).put(id).putLong(position).array());
    }

    public static StreamPositionKey fromBytes(Bytes bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes.get());
        byte[] id = new byte[buffer.getInt()];
        buffer.get(id);
        return new StreamPositionKey(new String(id, StandardCharsets.UTF_8), buffer.getLong());
    }
}
