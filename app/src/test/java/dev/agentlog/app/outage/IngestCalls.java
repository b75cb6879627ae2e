package dev.agentlog.app.outage;

import dev.agentlog.workload.WorkloadEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/** What a client of the HTTP API does in the outage tests: post workload events, ask /readyz. */
final class IngestCalls {
    private final HttpClient http = HttpClient.newHttpClient();
    private final IntSupplier port;
    private final String key;

    IngestCalls(IntSupplier port, String key) {
        this.port = port;
        this.key = key;
    }

    HttpResponse<String> post(List<WorkloadEvent> events) throws Exception {
        return postJson(events.stream().map(e -> new String(e.json(), StandardCharsets.UTF_8))
                .collect(Collectors.joining(",", "[", "]")));
    }

    /** Posts a request body as it is: a JSON array of events. */
    HttpResponse<String> postJson(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/v1/events")).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> readyz() throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/readyz")).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port.getAsInt() + path);
    }
}
