package dev.agentlog.bench.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;

/**
 * Where the load generator posts events and how: {@code POST /v1/events} with a bearer key to 127.0.0.1, over plain
 * HTTP or over HTTPS trusting the bench's own CA. Each sender has a {@link KeptAliveConnection} of its own, kept from
 * request to request, so a burst of concurrent requests never opens a connection (a TLS handshake) in the middle of a
 * measurement, as the JDK's shared {@code HttpURLConnection} pool did: it reuses the connection used last and closes
 * those idle for 5 s. Sender {@code i} must be used by one thread at a time.
 */
public final class HttpTarget {
    private static final String HOST = "127.0.0.1";
    private static final String PATH = "/v1/events";

    private final int port;
    private final String apiKey;
    private final SSLContext tls;
    private final KeptAliveConnection[] connections = new KeptAliveConnection[LoadGenerator.SENDERS];

    private HttpTarget(int port, String apiKey, SSLContext tls) {
        this.port = port;
        this.apiKey = apiKey;
        this.tls = tls;
        for (int i = 0; i < connections.length; i++) {
            connections[i] = new KeptAliveConnection(HOST, port, tls);
        }
    }

    /** {@code http://127.0.0.1:<port>/v1/events}. */
    public static HttpTarget plain(int port, String apiKey) {
        return new HttpTarget(port, apiKey, null);
    }

    /** {@code https://127.0.0.1:<port>/v1/events}, trusting what {@code tls} trusts (the name 127.0.0.1 is checked). */
    public static HttpTarget tls(int port, String apiKey, SSLContext tls) {
        return new HttpTarget(port, apiKey, tls);
    }

    public int port() {
        return port;
    }

    /** The protocol and cipher suite of the senders' TLS sessions ("TLSv1.3, TLS_AES_256_GCM_SHA384"), or null. */
    public String tlsSession() {
        for (KeptAliveConnection c : connections) {
            synchronized (c) {
                if (c.tlsSession() != null) {
                    return c.tlsSession();
                }
            }
        }
        return null;
    }

    /**
     * One POST of a JSON body by sender {@code sender}: the {@link System#nanoTime()} at which the status line of a
     * 202 was read, or -1 for anything else (another status, a connection failure). The answer's body is read to its
     * end before this returns, so that the connection is free for the sender's next request.
     */
    public long post(int sender, byte[] body) {
        byte[] head = ("POST " + PATH + " HTTP/1.1\r\nHost: " + HOST + ":" + port + "\r\nAuthorization: Bearer " + apiKey
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        KeptAliveConnection c = connections[sender];
        synchronized (c) {
            try {
                KeptAliveConnection.Answer answer = c.exchange(request);
                return answer.status() == 202 ? answer.statusLineNanos() : -1;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
    }

    /** Closes every sender's connection. */
    public void close() {
        for (KeptAliveConnection c : connections) {
            synchronized (c) {
                c.close();
            }
        }
    }
}
