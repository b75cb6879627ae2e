package dev.agentlog.ingest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.agentlog.events.EventCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals (a request line or header it cannot parse, a header too large, a URI it finds
 * ambiguous) in the API's error shape, {@code {"error": "..."}}, instead of an HTML page; what the client sent
 * wrong is named by Jetty's reason. A refusal of the request's form is never a 5xx: Jetty answers an unknown
 * transfer coding or HTTP version with 501 or 505, which here become 400.
 */
public final class JsonErrorHandler extends ErrorHandler {
    private static final String JSON_TYPE = "application/json; charset=utf-8";

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        int status = clientFault(code) ? HttpStatus.BAD_REQUEST_400 : code;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
        response.write(true, ByteBuffer.wrap(body(status, reason(code, message, cause))), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, JSON_TYPE));
        return ByteBuffer.wrap(body(status, reason));
    }

    /**
     * Jetty's message, or its cause's when the message only repeats the status. Jetty keeps no reason for a path
     * it cannot parse at all (a {@code %00}): that 400 says where to look.
     */
    private static String reason(int code, String message, Throwable cause) {
        String reason = message;
        for (Throwable c = cause; bare(code, reason) && c != null; c = c.getCause()) {
            reason = c.getMessage();
        }
        if (code == HttpStatus.BAD_REQUEST_400 && bare(code, reason)) {
            return "the request line is malformed: the path or query holds a character a URI may not hold, even "
                    + "percent-encoded (such as %00), or is not a URI";
        }
        return bare(code, reason) ? message : reason;
    }

    private static boolean bare(int code, String message) {
        return message == null || message.isBlank() || message.equals(HttpStatus.getMessage(code))
                || message.equals(code + ": " + HttpStatus.getMessage(code));
    }

    /** 501 and 505 come from the parser: the request asked for something HTTP/1.1 here does not do. */
    private static boolean clientFault(int code) {
        return code == HttpStatus.NOT_IMPLEMENTED_501 || code == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505;
    }

    private static byte[] body(int status, String reason) {
        String error = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason;
        try {
            return EventCodec.JSON.writeValueAsBytes(EventCodec.JSON.createObjectNode()
                    .put("error", "the request cannot be served: " + error));
        } catch (JsonProcessingException e) {
            return ("{\"error\":\"" + status + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
