package dev.agentlog.ingest.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a request's path and query strictly: percent escapes must be well formed and the bytes they spell
 * valid UTF-8, and no control character (U+0000..U+001F, U+007F) may result. Anything else is refused with a
 * {@link BadTargetException} that says what and where, so that {@code /v1/agents/%00} is a 400 and never
 * reaches a query (PostgreSQL refuses U+0000 in text). A {@code +} stays a {@code +}, not a space as in HTML
 * forms: {@code ?at=2026-01-31T12:00:00+02:00} typed as is must keep its offset.
 */
public final class RequestTargets {
    private RequestTargets() {}

    /** The path or query cannot be decoded; the message names the part and the problem. */
    public static final class BadTargetException extends Exception {
        public BadTargetException(String message) {
            super(message, null, false, false);
        }
    }

    public static String path(String rawPath) throws BadTargetException {
        return decode(rawPath == null || rawPath.isEmpty() ? "/" : rawPath, "the path");
    }

    /** {@code a=1&b=x%20y&a=2} as {@code {a=[1, 2], b=[x y]}}. */
    public static Map<String, List<String>> query(String rawQuery) throws BadTargetException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), "a query parameter name");
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), "the query parameter '" + name + "'");
            out.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return out;
    }

    private static String decode(String raw, String what) throws BadTargetException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0
                        || Character.digit(raw.charAt(i + 2), 16) < 0) {
                    throw new BadTargetException(what + " has a '%' not followed by two hex digits at character " + i
                            + ": write a literal % as %25");
                }
                bytes.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            } else if (c > 0x7e || c < 0x20) {
                throw new BadTargetException(what + " must be ASCII without control characters, found U+"
                        + String.format("%04X", (int) c) + " at character " + i + ": percent-encode it as UTF-8");
            } else {
                bytes.write(c);
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new BadTargetException(what + " is not valid UTF-8 once its percent escapes are decoded");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new BadTargetException(what + " must not contain control characters, found U+"
                        + String.format("%04X", (int) c) + " at character " + i);
            }
        }
        return text;
    }
}
