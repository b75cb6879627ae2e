package dev.agentlog.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsHttpServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(int port, String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeTheScrapeAndHealthAndNothingElse() throws Exception {
        try (MetricsHttpServer server = new MetricsHttpServer("127.0.0.1", 0, () -> "agentlog_up 1\n")) {
            HttpResponse<String> metrics = send(server.port(), "GET", "/metrics");
            HttpResponse<String> health = send(server.port(), "GET", "/healthz");

            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).isEqualTo("agentlog_up 1\n");
            assertThat(metrics.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
            assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(send(server.port(), "GET", "/other").statusCode()).isEqualTo(404);
            assertThat(send(server.port(), "DELETE", "/metrics").statusCode()).isEqualTo(405);
        }
    }
}
