package dev.agentlog.sink.replay;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One text per column value such that two values PostgreSQL stores alike print alike: JSON objects with
 * their keys sorted (jsonb keeps its own key order), JSON numbers by value ({@code 1.50}, {@code 1.5} and
 * {@code 15e-1} print {@code 1.5}: jsonb keeps numeric scale, the fold may not), timestamps as UTC instants.
 * What {@code verify}'s checksums are computed over. Thread-safe.
 */
public final class CanonicalText {
    private static final char COLUMN_SEPARATOR = '\u001f';

    private CanonicalText() {}

    /** The row's column values as one line. */
    public static String row(Object[] values) {
        StringBuilder out = new StringBuilder(64 * values.length);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(COLUMN_SEPARATOR);
            }
            value(values[i], out);
        }
        return out.toString();
    }

    public static String value(Object value) {
        StringBuilder out = new StringBuilder();
        value(value, out);
        return out.toString();
    }

    private static void value(Object value, StringBuilder out) {
        if (value == null) {
            out.append("\\N");
        } else if (value instanceof JsonNode json) {
            json(json, out);
        } else if (value instanceof float[] floats) {
            out.append(Arrays.toString(floats));
        } else if (value instanceof Instant instant) {
            out.append(instant);
        } else if (value instanceof String text) {
            out.append('"');
            out.append(JsonStringEncoder.getInstance().quoteAsString(text));
            out.append('"');
        } else {
            out.append(value);
        }
    }

    private static void json(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            names.sort(null);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                out.append(i == 0 ? "" : ",").append('"')
                        .append(JsonStringEncoder.getInstance().quoteAsString(names.get(i))).append("\":");
                json(node.get(names.get(i)), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                out.append(i == 0 ? "" : ",");
                json(node.get(i), out);
            }
            out.append(']');
        } else if (node.isNumber()) {
            out.append(node.decimalValue().stripTrailingZeros());
        } else if (node.isTextual()) {
            out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(node.textValue())).append('"');
        } else {
            out.append(node); // true, false, null
        }
    }

    /** MD5 of a text (a row's fingerprint; not for security). */
    public static byte[] md5(String text) {
        return md5().digest(text.getBytes(StandardCharsets.UTF_8));
    }

    /** One checksum of many row fingerprints, whatever their order: MD5 over the sorted fingerprints, as hex. */
    public static String checksum(List<byte[]> rowDigests) {
        List<byte[]> sorted = new ArrayList<>(rowDigests);
        sorted.sort(Arrays::compareUnsigned);
        MessageDigest md5 = md5();
        for (byte[] digest : sorted) {
            md5.update(digest);
        }
        return hex(md5.digest());
    }

    static String checksumOf(Map<?, byte[]> digests) {
        return checksum(new ArrayList<>(digests.values()));
    }

    static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return out.toString();
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }
}
