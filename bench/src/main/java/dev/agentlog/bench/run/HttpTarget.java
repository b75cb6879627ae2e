package dev.agentlog.bench.run;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;

/**
 * Where the load generator posts events and how: {@code POST /v1/events} with a bearer key, over plain HTTP or over
 * HTTPS trusting the bench's own CA. Each sender thread has an HTTP/1.1 client of its own (the JDK's
 * {@link HttpClient}), which keeps its one connection alive from request to request and from load to load (its idle
 * connections live 20 minutes; the server closes them after its own idle timeout, and the next request opens a new
 * one). A client shared by all senders would keep a pool instead: the JDK's {@code HttpURLConnection} reuses the
 * connection used last and closes those idle for 5 s, so a burst of concurrent requests opens new connections (a TLS
 * handshake each) in the middle of a measurement. Thread-safe; sender {@code i} must be used by one thread at a time.
 */
public final class HttpTarget {
    /** The senders' clients' threads (answers are read there), shared by every target. */
    private static final ExecutorService CLIENT_THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bench-http-client");
        t.setDaemon(true);
        return t;
    });

    private final URI uri;
    private final String apiKey;
    private final SSLContext tls;
    private final HttpClient[] clients = new HttpClient[LoadGenerator.SENDERS];
    private final AtomicReference<String> tlsSession = new AtomicReference<>();

    private HttpTarget(URI uri, String apiKey, SSLContext tls) {
        this.uri = uri;
        this.apiKey = apiKey;
        this.tls = tls;
    }

    /** {@code http://127.0.0.1:<port>/v1/events}. */
    public static HttpTarget plain(int port, String apiKey) {
        return new HttpTarget(URI.create("http://127.0.0.1:" + port + "/v1/events"), apiKey, null);
    }

    /** {@code https://127.0.0.1:<port>/v1/events}, trusting what {@code tls} trusts (the name 127.0.0.1 is checked). */
    public static HttpTarget tls(int port, String apiKey, SSLContext tls) {
        return new HttpTarget(URI.create("https://127.0.0.1:" + port + "/v1/events"), apiKey, tls);
    }

    public int port() {
        return uri.getPort();
    }

    /** The protocol and cipher suite of the last HTTPS answer ("TLSv1.3, TLS_AES_256_GCM_SHA384"), or null. */
    public String tlsSession() {
        return tlsSession.get();
    }

    private synchronized HttpClient client(int sender) {
        if (clients[sender] == null) {
            HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).executor(CLIENT_THREADS);
            if (tls != null) {
                b.sslContext(tls);
            }
            clients[sender] = b.build();
        }
        return clients[sender];
    }

    /**
     * One POST of a JSON body by sender {@code sender}: the {@link System#nanoTime()} at which the head of a 202 was
     * read, or -1 for anything else (another status, a connection failure). The answer's body is read to its end before
     * this returns, so that the connection is free for the sender's next request.
     */
    public long post(int sender, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        long[] headAt = {-1};
        try {
            HttpResponse<Void> response = client(sender).send(request, info -> {
                headAt[0] = System.nanoTime();
                return HttpResponse.BodySubscribers.discarding();
            });
            if (tls != null && tlsSession.get() == null) {
                response.sslSession().ifPresent(s -> tlsSession.set(s.getProtocol() + ", " + s.getCipherSuite()));
            }
            return response.statusCode() == 202 ? headAt[0] : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
