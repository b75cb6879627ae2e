package dev.agentlog.bench.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * Where the load generator posts events and how: {@code POST /v1/events} with a bearer key, over plain HTTP or over
 * HTTPS trusting the bench's own CA ({@code tls}). Requests go through the JDK's {@link HttpURLConnection}, which keeps
 * a connection alive per sender thread (see {@link #KEEP_ALIVE_CONNECTIONS}).
 */
public record HttpTarget(URI uri, String apiKey, SSLSocketFactory tls) {
    /**
     * Idle connections the JDK's HTTP client keeps per server ({@code http.maxConnections}, 5 by default). The load
     * generator's threads would otherwise close all but 5 connections whenever more than 5 requests were in flight at
     * once, and open new ones (a TLS handshake each) on their next request: every sender keeps its own. Read once,
     * when the JDK's keep-alive cache is first used: {@code BenchMain} sets it at start.
     */
    public static final int KEEP_ALIVE_CONNECTIONS = 128;

    /** {@code http://127.0.0.1:<port>/v1/events}. */
    public static HttpTarget plain(int port, String apiKey) {
        return new HttpTarget(URI.create("http://127.0.0.1:" + port + "/v1/events"), apiKey, null);
    }

    /** {@code https://127.0.0.1:<port>/v1/events}, trusting what {@code tls} trusts. */
    public static HttpTarget tls(int port, String apiKey, SSLSocketFactory tls) {
        return new HttpTarget(URI.create("https://127.0.0.1:" + port + "/v1/events"), apiKey, tls);
    }

    /**
     * One POST of a JSON body; the {@link System#nanoTime()} at which the status line of a 202 was read, or -1 for
     * anything else (another status, a connection failure). The body of the answer is read to its end afterwards, so
     * that the connection is reused by this thread's next request.
     */
    public long post(byte[] body) {
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            if (tls != null) {
                ((HttpsURLConnection) c).setSSLSocketFactory(tls);
            }
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setConnectTimeout(10_000);
            c.setReadTimeout(30_000);
            c.setRequestProperty("Authorization", "Bearer " + apiKey);
            c.setRequestProperty("Content-Type", "application/json");
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            long answeredAt = System.nanoTime();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                if (in != null) {
                    in.readAllBytes(); // drained, so that the connection is reused
                }
            }
            return status == 202 ? answeredAt : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
