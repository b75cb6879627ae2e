package dev.agentlog.sink.internal;

import dev.agentlog.sink.jdbc.JdbcValues;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.sink.fold.ColumnType;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows in PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html, "Binary
 * Format"), built in memory and sent with one {@code COPY ... FROM STDIN (FORMAT binary)}: the cheapest way
 * into a table for PostgreSQL (no parameter or text parsing of numbers and timestamps) and for the sink (no
 * per-parameter JDBC calls, no escaping). Not thread-safe; one per COPY.
 */
public final class BinaryCopy {
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    /** PostgreSQL's epoch, 2000-01-01T00:00:00Z, in Unix seconds. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;
    private static final int FLOAT4_OID = 700;
    private static final byte JSONB_VERSION = 1;

    private byte[] buffer;
    private int size;
    private int rows;

    /**
     * The buffer of this thread's last COPY, kept for the next: a batch's COPY buffers were an eighth of the sink's
     * allocation. Buffers above {@link #KEPT_BYTES} are not kept.
     */
    private static final ThreadLocal<byte[]> SPARE = new ThreadLocal<>();
    private static final int KEPT_BYTES = 32 << 20;

    public BinaryCopy(int expectedBytes) {
        int wanted = Math.max(1024, expectedBytes);
        byte[] spare = SPARE.get();
        if (spare != null && spare.length >= wanted) {
            SPARE.remove();
            buffer = spare;
        } else {
            buffer = new byte[wanted];
        }
        write(SIGNATURE, 0, SIGNATURE.length);
        int32(0); // flags
        int32(0); // header extension length
    }

    public BinaryCopy startRow(int fields) {
        int16(fields);
        rows++;
        return this;
    }

    public int rows() {
        return rows;
    }

    public BinaryCopy nul() {
        int32(-1);
        return this;
    }

    public BinaryCopy text(String value) {
        if (value == null) {
            return nul();
        }
        // ids and names are ASCII: copy their chars straight in (getBytes would allocate and copy twice)
        int length = value.length();
        ensure(4 + length);
        int start = size;
        size += 4;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 0x80) {
                size = start;
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                int32(bytes.length);
                write(bytes, 0, bytes.length);
                return this;
            }
            buffer[size++] = (byte) c;
        }
        buffer[start] = (byte) (length >>> 24);
        buffer[start + 1] = (byte) (length >>> 16);
        buffer[start + 2] = (byte) (length >>> 8);
        buffer[start + 3] = (byte) length;
        return this;
    }

    /**
     * A jsonb value: a payload's object or array as its text came in the record when it is located (see
     * {@link LocatedJson}; writing the tree back to JSON was an eighth of the sink's CPU, and PostgreSQL stores the
     * same jsonb either way), else the tree written as JSON.
     */
    public BinaryCopy jsonb(JsonNode value) {
        if (value == null) {
            return nul();
        }
        LocatedJson.Location text = value instanceof LocatedJson located ? located.location() : null;
        if (text != null) {
            return jsonb(text.source(), text.start(), text.length());
        }
        return jsonb(JdbcValues.jsonBytes(value));
    }

    /** A jsonb value already written as JSON text in UTF-8. */
    public BinaryCopy jsonb(byte[] json) {
        if (json == null) {
            return nul();
        }
        return jsonb(json, 0, json.length);
    }

    /** A jsonb value whose JSON text in UTF-8 is {@code length} bytes of {@code source} from {@code offset}. */
    public BinaryCopy jsonb(byte[] source, int offset, int length) {
        int32(length + 1);
        ensure(1);
        buffer[size++] = JSONB_VERSION;
        write(source, offset, length);
        return this;
    }

    public BinaryCopy int4(Integer value) {
        if (value == null) {
            return nul();
        }
        int32(4);
        int32(value);
        return this;
    }

    public BinaryCopy int8(Long value) {
        if (value == null) {
            return nul();
        }
        int32(8);
        int64(value);
        return this;
    }

    public BinaryCopy bool(Boolean value) {
        if (value == null) {
            return nul();
        }
        int32(1);
        ensure(1);
        buffer[size++] = (byte) (value ? 1 : 0);
        return this;
    }

    public BinaryCopy timestamptz(Instant value) {
        if (value == null) {
            return nul();
        }
        int32(8);
        int64((value.getEpochSecond() - POSTGRES_EPOCH_SECONDS) * 1_000_000L + value.getNano() / 1_000);
        return this;
    }

    public BinaryCopy float4Array(float[] value) {
        if (value == null) {
            return nul();
        }
        int32(20 + 8 * value.length);
        int32(1); // dimensions
        int32(0); // no nulls
        int32(FLOAT4_OID);
        int32(value.length);
        int32(1); // lower bound
        for (float v : value) {
            int32(4);
            int32(Float.floatToIntBits(v));
        }
        return this;
    }

    public BinaryCopy value(ColumnType type, Object value) {
        return switch (type) {
            case TEXT -> text((String) value);
            case JSONB -> jsonb((JsonNode) value);
            case TIMESTAMPTZ -> timestamptz((Instant) value);
            case INTEGER -> int4((Integer) value);
            case BIGINT -> int8((Long) value);
            case BOOLEAN -> bool((Boolean) value);
            case REAL_ARRAY -> float4Array((float[]) value);
        };
    }

    /** Sends the rows with {@code COPY <table> (<columns>) FROM STDIN (FORMAT binary)}; returns the rows copied. */
    public long copyInto(Connection c, String table, String columns) throws SQLException {
        int16(-1); // trailer
        // straight from the buffer: copyIn(sql, InputStream) would copy it again through a buffer of its own
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + table + " (" + columns + ") FROM STDIN (FORMAT binary)");
        try {
            copy.writeToCopy(buffer, 0, size);
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
            byte[] spare = SPARE.get();
            if (buffer.length <= KEPT_BYTES && (spare == null || spare.length < buffer.length)) {
                SPARE.set(buffer);
            }
            buffer = null; // sent: this instance is done
        }
    }

    /** What {@link #copyInto} would send so far, without the trailer; for tests. */
    byte[] bytesSoFar() {
        return Arrays.copyOf(buffer, size);
    }

    private void int16(int v) {
        ensure(2);
        buffer[size++] = (byte) (v >>> 8);
        buffer[size++] = (byte) v;
    }

    private void int32(int v) {
        ensure(4);
        buffer[size++] = (byte) (v >>> 24);
        buffer[size++] = (byte) (v >>> 16);
        buffer[size++] = (byte) (v >>> 8);
        buffer[size++] = (byte) v;
    }

    private void int64(long v) {
        int32((int) (v >>> 32));
        int32((int) v);
    }

    private void write(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
