package dev.agentlog.app.wiring;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@code GET /metrics} and {@code GET /healthz} for the parts that have no HTTP API of their own (processor,
 * sink, cdc), on Jetty like the API. Open, without keys: bind it to an address only the scraper reaches
 * ({@code --metrics-host}, 127.0.0.1 by default). Anything else is 404, another method 405.
 */
public final class MetricsHttpServer implements AutoCloseable {
    private static final long IDLE_TIMEOUT_MS = 30_000;
    private final Server server;
    private final ServerConnector connector;

    public MetricsHttpServer(String host, int port, Supplier<String> scrape) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(6, 2);
        threads.setName("agentlog-metrics-http");
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = request.getHttpURI().getPath();
                boolean known = "/metrics".equals(path) || "/healthz".equals(path);
                if (!known) {
                    reply(response, callback, 404, "application/json", "{\"error\":\"no route: use GET /metrics or GET /healthz\"}");
                } else if (!"GET".equals(request.getMethod())) {
                    response.getHeaders().put(HttpHeader.ALLOW, "GET");
                    reply(response, callback, 405, "application/json", "{\"error\":\"use GET\"}");
                } else if ("/metrics".equals(path)) {
                    reply(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", scrape.get());
                } else {
                    reply(response, callback, 200, "application/json", "{\"status\":\"ok\"}");
                }
                return true;
            }
        });
        try {
            server.start();
        } catch (IOException e) {
            close();
            throw e;
        } catch (Exception e) {
            close();
            throw new IOException("cannot start the metrics endpoint on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    private static void reply(Response response, Callback callback, int status, String type, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping: nothing left to serve
        }
    }
}
