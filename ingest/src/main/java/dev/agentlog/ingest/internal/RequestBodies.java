package dev.agentlog.ingest.internal;

import java.io.IOException;
import java.io.InputStream;

/** Reads a request body without ever holding more than the limit, whether it came with a length or chunked. */
public final class RequestBodies {
    private RequestBodies() {}

    /** Thrown when the body is longer than the limit; the body was not read to its end. */
    public static final class TooLargeException extends Exception {
        public TooLargeException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param declaredLength the Content-Length header, or null (chunked, or none)
     * @throws TooLargeException        before reading anything when the declared length is over the limit,
     *                                  or as soon as more than {@code maxBytes} arrived
     * @throws IllegalArgumentException when the Content-Length header is not a number
     */
    public static byte[] read(InputStream in, String declaredLength, int maxBytes) throws IOException, TooLargeException {
        if (declaredLength != null) {
            long length;
            try {
                length = Long.parseLong(declaredLength.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Content-Length must be a number, was '" + declaredLength + "'");
            }
            if (length > maxBytes) {
                throw new TooLargeException("the request body is " + length + " bytes, more than " + maxBytes
                        + " (--max-request-bytes): split it into smaller requests");
            }
        }
        byte[] body = in.readNBytes(maxBytes + 1);
        if (body.length > maxBytes) {
            throw new TooLargeException("the request body is more than " + maxBytes
                    + " bytes (--max-request-bytes): split it into smaller requests");
        }
        return body;
    }
}
