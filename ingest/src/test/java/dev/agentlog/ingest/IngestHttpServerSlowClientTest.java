package dev.agentlog.ingest;

import static dev.agentlog.ingest.Fixtures.KEY;
import static dev.agentlog.ingest.Fixtures.request;
import static dev.agentlog.ingest.Fixtures.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.ingest.testing.RawHttp;
import dev.agentlog.ingest.testing.RawHttp.Polled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that send slowly or not at all are cut off, and the server keeps answering everyone else meanwhile.
 * A slow client here sends one byte a second; the request time limit is set small so that it is cut after a
 * few bytes. The assertions are on the cut (the connection closed before the request was complete, or a 408),
 * never on how long it took.
 */
class IngestHttpServerSlowClientTest {
    /** At most this many bytes a second before the test gives up on being cut: the limit is 2 s. */
    private static final int MAX_TRICKLED_BYTES = 60;
    private IngestHttpServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    private int start(long idleTimeoutMs, long requestTimeoutMs) {
        server = Fixtures.startWithMockKafka(Fixtures.smallSettings().withTimeouts(idleTimeoutMs, requestTimeoutMs));
        return server.port();
    }

    private void assertOthersAreServed(int port) {
        assertThat(send(request(port, "/healthz").GET().build()).status()).isEqualTo(200);
    }

    @Test
    void shouldCutAClientThatTricklesItsRequestHeadAByteASecondAndServeOthersMeanwhile() {
        int port = start(30_000, 2_000);
        byte[] head = ("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

        try (RawHttp slow = RawHttp.connect(port)) {
            int sent = 0;
            Polled polled = Polled.NOTHING_YET;
            while (polled == Polled.NOTHING_YET && sent < MAX_TRICKLED_BYTES && slow.trySendByte(head[sent])) {
                sent++;
                assertOthersAreServed(port);
                polled = slow.poll(1_000); // the slow client's pace: a byte a second
            }

            assertThat(polled).as("the server closed the connection without an answer").isEqualTo(Polled.CLOSED);
            assertThat(sent).as("bytes of the head sent before the cut").isLessThan(head.length);
        }
        assertOthersAreServed(port);
    }

    @Test
    void shouldAnswer408ToABodyTrickledAByteASecondAndCloseTheConnection() {
        int port = start(30_000, 2_000);
        byte[] body = Fixtures.validEvent("e-slow").toString().getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);

        try (RawHttp slow = RawHttp.connect(port)) {
            slow.send(head);
            int sent = 0;
            Polled polled = Polled.NOTHING_YET;
            while (polled == Polled.NOTHING_YET && sent < MAX_TRICKLED_BYTES && slow.trySendByte(body[sent])) {
                sent++;
                assertOthersAreServed(port);
                polled = slow.poll(1_000);
            }

            assertThat(polled).isEqualTo(Polled.ANSWER_STARTED);
            RawHttp.Response answer = slow.read();
            assertThat(answer.status()).isEqualTo(408);
            assertThat(answer.header("Connection")).isEqualTo("close");
            assertThat(answer.body()).contains("did not arrive in full within --http-request-timeout-ms");
            assertThat(sent).isLessThan(body.length);
            assertThat(slow.closedByServer()).isTrue();
        }
        assertOthersAreServed(port);
    }

    @Test
    void shouldCloseAConnectionOnWhichNothingMovesForTheIdleTimeout() {
        int port = start(300, 60_000);

        try (RawHttp silent = RawHttp.connect(port)) {
            assertThat(silent.closedByServer()).isTrue();
        }
    }

    @Test
    void shouldAnswerSeveralRequestsOnOneKeptAliveConnection() {
        int port = start(30_000, 60_000);

        try (RawHttp client = RawHttp.connect(port)) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response answer = client.send(RawHttp.request("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1",
                        new byte[0])).read();
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.header("Connection")).isNull();
            }
        }
    }

    @Test
    void shouldAnswer503AtOnceWhenMoreRequestsAreInFlightThanItTakes() {
        // one handler thread takes 32 requests at once; these 32 are waiting for the rest of their bodies
        server = Fixtures.startWithMockKafka(new IngestSettings("127.0.0.1", 0, Fixtures.KEYS, 4096, 3, 1024, 1, 500, 1));
        int port = server.port();
        java.util.List<RawHttp> waiting = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 32; i++) {
                waiting.add(RawHttp.connect(port).send(("POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                        + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII)));
            }
            RawHttp.Response busy = Fixtures.awaitAnswer(port, "GET /healthz", response -> response.status() == 503);

            assertThat(busy.header("Retry-After")).isEqualTo("1");
            assertThat(busy.body()).contains("the server is busy");
        } finally {
            waiting.forEach(RawHttp::close);
        }
        Fixtures.awaitAnswer(port, "GET /healthz", response -> response.status() == 200);
    }
}
