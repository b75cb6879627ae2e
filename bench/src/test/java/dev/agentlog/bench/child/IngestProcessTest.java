package dev.agentlog.bench.child;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IngestProcessTest {
    @Test
    void shouldReadThePortFromTheLineEveryVersionPrints() {
        // cad1be2 (the JDK HttpServer) prints http:// always; this checkout prints its scheme
        assertThat(IngestProcess.listeningPort("ingest listening on http://127.0.0.1:43125")).isEqualTo(43125);
        assertThat(IngestProcess.listeningPort("ingest listening on https://0.0.0.0:8443")).isEqualTo(8443);
        // since the web UI, the line ends with where it is
        assertThat(IngestProcess.listeningPort("ingest listening on http://127.0.0.1:41307 (web UI at /ui/)"))
                .isEqualTo(41307);
    }

    @Test
    void shouldIgnoreOtherLines() {
        assertThat(IngestProcess.listeningPort("17:10:01.123 INFO  [main] d.a.i.IngestHttpServer - ingest: listening on"
                + " http://127.0.0.1:8080 (keys: 1 key; ...)")).isEqualTo(-1);
        assertThat(IngestProcess.listeningPort("")).isEqualTo(-1);
    }
}
