package dev.agentlog.sink.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.fold.ColumnType;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.postgresql.PGConnection;

/** Binds and reads column values by {@link ColumnType}: a switch per column, no reflection. */
public final class JdbcValues {
    private static final ObjectWriter JSON_WRITER = EventCodec.JSON.writer();

    private JdbcValues() {}

    public static void bind(PreparedStatement ps, int index, ColumnType type, Object value) throws SQLException {
        switch (type) {
            case TEXT -> ps.setString(index, (String) value);
            case JSONB -> ps.setString(index, value == null ? null : json((JsonNode) value));
            case TIMESTAMPTZ -> {
                if (value == null) {
                    ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
                } else {
                    ps.setObject(index, ((Instant) value).atOffset(ZoneOffset.UTC));
                }
            }
            case INTEGER -> {
                if (value == null) {
                    ps.setNull(index, Types.INTEGER);
                } else {
                    ps.setInt(index, (Integer) value);
                }
            }
            case BIGINT -> {
                if (value == null) {
                    ps.setNull(index, Types.BIGINT);
                } else {
                    ps.setLong(index, (Long) value);
                }
            }
            case BOOLEAN -> {
                if (value == null) {
                    ps.setNull(index, Types.BOOLEAN);
                } else {
                    ps.setBoolean(index, (Boolean) value);
                }
            }
            case REAL_ARRAY -> {
                if (value == null) {
                    ps.setNull(index, Types.ARRAY);
                } else {
                    // pgjdbc's own createArrayOf takes a primitive float[] and sends it in binary
                    ps.setArray(index, ps.getConnection().unwrap(PGConnection.class).createArrayOf("float4", value));
                }
            }
        }
    }

    public static Object read(ResultSet rs, int index, ColumnType type) throws SQLException {
        return switch (type) {
            case TEXT -> rs.getString(index);
            case JSONB -> parse(rs.getString(index));
            case TIMESTAMPTZ -> {
                OffsetDateTime time = rs.getObject(index, OffsetDateTime.class);
                yield time == null ? null : time.toInstant();
            }
            case INTEGER -> {
                int v = rs.getInt(index);
                yield rs.wasNull() ? null : v;
            }
            case BIGINT -> {
                long v = rs.getLong(index);
                yield rs.wasNull() ? null : v;
            }
            case BOOLEAN -> {
                boolean v = rs.getBoolean(index);
                yield rs.wasNull() ? null : v;
            }
            case REAL_ARRAY -> floats(rs.getArray(index));
        };
    }

    public static String json(JsonNode node) {
        try {
            return JSON_WRITER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON " + node.getNodeType(), e);
        }
    }

    public static byte[] jsonBytes(JsonNode node) {
        try {
            return JSON_WRITER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON " + node.getNodeType(), e);
        }
    }

    private static JsonNode parse(String text) throws SQLException {
        if (text == null) {
            return null;
        }
        try {
            return EventCodec.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SQLException("jsonb column holds text that is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static float[] floats(Array array) throws SQLException {
        if (array == null) {
            return null;
        }
        Object[] boxed = (Object[]) array.getArray();
        float[] out = new float[boxed.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) boxed[i]).floatValue();
        }
        return out;
    }
}
