package dev.agentlog.processor.internal;

import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Sets the envelope's {@code stream_seq} in an event's JSON text without decoding and encoding the event: the
 * processor stamps every event of record with its position, and a full decode and encode of each was most of its
 * work. One pass over the bytes finds the envelope's top-level fields (it never reads into their values beyond
 * finding where they end); the value of {@code stream_seq} is replaced when it is there, and {@code "stream_seq":N}
 * inserted after {@code stream_id}'s value when it is not. Everything else stays byte for byte as it came: whitespace,
 * field order, escapes, unknown payload fields.
 *
 * <p>It answers null, and the caller encodes the decoded event instead, for any text it does not recognise as the
 * simple case: a top-level field name with an escape ({@code "stream\u005fseq"} names stream_seq too), a
 * {@code stream_seq} given twice (the last one counts when decoding), a {@code schema_version} other than the
 * current one written as plain digits (the event of record carries the upcast payload), a byte-order mark, anything
 * that is not one JSON object. The input must be a value the codec accepted; the property test checks that decoding
 * the result gives the decoded input with that stream_seq, for arbitrary events.
 */
final class StreamSeqSplice {
    private static final byte[] STREAM_SEQ = "stream_seq".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STREAM_ID = "stream_id".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SCHEMA_VERSION = "schema_version".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INSERTED_NAME = ",\"stream_seq\":".getBytes(StandardCharsets.US_ASCII);

    private StreamSeqSplice() {}

    /**
     * The value of record of {@code event}, decoded from {@code value}, at {@code position}: {@code value} with that
     * stream_seq set in its text, or, when the text is not the simple case, the event encoded with it.
     */
    static byte[] valueOfRecord(EventCodec codec, Event event, byte[] value, long position) {
        byte[] spliced = withStreamSeq(value, event.type().currentVersion(), position);
        return spliced != null ? spliced : codec.encode(event.withStreamSeq(position));
    }

    /**
     * {@code json} with its envelope's stream_seq set to {@code seq}, or null when the text is not the simple case
     * (see the class comment).
     *
     * @param currentVersion the event type's current schema_version: a text at another version needs upcasting
     */
    static byte[] withStreamSeq(byte[] json, int currentVersion, long seq) {
        Fields fields = scan(json);
        if (fields == null || fields.seqCount > 1 || fields.streamIdEnd < 0 || fields.versionCount != 1
                || !isDigits(json, fields.versionStart, fields.versionEnd, currentVersion)) {
            return null;
        }
        byte[] digits = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
        if (fields.seqCount == 1) {
            return splice(json, fields.seqStart, fields.seqEnd, digits, null);
        }
        return splice(json, fields.streamIdEnd, fields.streamIdEnd, INSERTED_NAME, digits);
    }

    /** json[0, from) + first + second + json[to, end). */
    private static byte[] splice(byte[] json, int from, int to, byte[] first, byte[] second) {
        int secondLength = second == null ? 0 : second.length;
        byte[] out = Arrays.copyOf(json, json.length - (to - from) + first.length + secondLength);
        System.arraycopy(first, 0, out, from, first.length);
        if (second != null) {
            System.arraycopy(second, 0, out, from + first.length, secondLength);
        }
        System.arraycopy(json, to, out, from + first.length + secondLength, json.length - to);
        return out;
    }

    private static boolean isDigits(byte[] json, int start, int end, int expected) {
        byte[] digits = Integer.toString(expected).getBytes(StandardCharsets.US_ASCII);
        return Arrays.equals(json, start, end, digits, 0, digits.length);
    }

    /** Where the top-level values of interest lie; -1 where absent. */
    private static final class Fields {
        int seqStart = -1;
        int seqEnd = -1;
        int seqCount;
        int streamIdEnd = -1;
        int versionStart = -1;
        int versionEnd = -1;
        int versionCount;
    }

    /** The top-level fields of one JSON object, or null when the text is not one plain object. */
    private static Fields scan(byte[] b) {
        Fields fields = new Fields();
        int i = skipWhitespace(b, 0);
        if (i >= b.length || b[i] != '{') {
            return null;
        }
        i = skipWhitespace(b, i + 1);
        if (i < b.length && b[i] == '}') {
            return null; // no fields: not an event
        }
        while (true) {
            if (i >= b.length || b[i] != '"') {
                return null;
            }
            int nameStart = i + 1;
            int nameEnd = stringEnd(b, i);
            if (nameEnd < 0) {
                return null;
            }
            for (int k = nameStart; k < nameEnd; k++) {
                if (b[k] == '\\') {
                    return null; // an escaped name may spell a field of interest
                }
            }
            i = skipWhitespace(b, nameEnd + 1);
            if (i >= b.length || b[i] != ':') {
                return null;
            }
            int valueStart = skipWhitespace(b, i + 1);
            int valueEnd = valueEnd(b, valueStart);
            if (valueEnd < 0) {
                return null;
            }
            if (is(b, nameStart, nameEnd, STREAM_SEQ)) {
                fields.seqCount++;
                fields.seqStart = valueStart;
                fields.seqEnd = valueEnd;
            } else if (is(b, nameStart, nameEnd, STREAM_ID) && fields.streamIdEnd < 0) {
                fields.streamIdEnd = valueEnd;
            } else if (is(b, nameStart, nameEnd, SCHEMA_VERSION)) {
                fields.versionCount++;
                fields.versionStart = valueStart;
                fields.versionEnd = valueEnd;
            }
            i = skipWhitespace(b, valueEnd);
            if (i < b.length && b[i] == ',') {
                i = skipWhitespace(b, i + 1);
            } else if (i < b.length && b[i] == '}') {
                return skipWhitespace(b, i + 1) == b.length ? fields : null;
            } else {
                return null;
            }
        }
    }

    private static boolean is(byte[] b, int start, int end, byte[] name) {
        return Arrays.equals(b, start, end, name, 0, name.length);
    }

    private static int skipWhitespace(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** The index of the quote closing the string whose opening quote is at {@code quote}, or -1. */
    private static int stringEnd(byte[] b, int quote) {
        for (int i = quote + 1; i < b.length; i++) {
            if (b[i] == '\\') {
                i++; // the escaped byte (UTF-8 continuation bytes are never a quote or a backslash)
            } else if (b[i] == '"') {
                return i;
            }
        }
        return -1;
    }

    /** One past the last byte of the value starting at {@code i}, or -1 when it does not end. */
    private static int valueEnd(byte[] b, int i) {
        if (i >= b.length) {
            return -1;
        }
        if (b[i] == '"') {
            int end = stringEnd(b, i);
            return end < 0 ? -1 : end + 1;
        }
        if (b[i] == '{' || b[i] == '[') {
            int depth = 0;
            for (int k = i; k < b.length; k++) {
                byte c = b[k];
                if (c == '"') {
                    k = stringEnd(b, k);
                    if (k < 0) {
                        return -1;
                    }
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if ((c == '}' || c == ']') && --depth == 0) {
                    return k + 1;
                }
            }
            return -1;
        }
        int k = i;
        while (k < b.length && b[k] != ',' && b[k] != '}' && b[k] != ' ' && b[k] != '\n' && b[k] != '\r'
                && b[k] != '\t') {
            k++;
        }
        return k == i ? -1 : k;
    }
}
