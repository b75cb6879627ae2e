package dev.agentlog.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The open-loop load against a server that takes every request (202) but one in 25 (503). */
class LoadGeneratorTest {
    @Test
    void shouldOfferTheRateInBatchesAndMeasureOnlyAfterTheWarmUp() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Set<String> received = ConcurrentHashMap.newKeySet();
        AtomicInteger requests = new AtomicInteger();
        Set<String> authorizations = ConcurrentHashMap.newKeySet();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/events", exchange -> {
            JsonNode body = json.readTree(exchange.getRequestBody());
            int n = requests.incrementAndGet();
            int status = n % 25 == 0 ? 503 : 202;
            if (status == 202) {
                body.forEach(e -> received.add(e.get("event_id").asText()));
            }
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        Set<String> acked = ConcurrentHashMap.newKeySet();
        AtomicInteger measuredAcks = new AtomicInteger();
        int[] parts = new int[2];
        try {
            LoadGenerator.Offered o = LoadGenerator.offer(HttpTarget.plain(server.getAddress().getPort(), "k"),
                    (id, nanos, measured) -> {
                        acked.add(id);
                        if (measured) {
                            measuredAcks.incrementAndGet();
                        }
                    }, 1500, 2, 1, new LoadGenerator.MeasuredPart() {
                        @Override
                        public void started() {
                            parts[0]++;
                        }

                        @Override
                        public void ended() {
                            parts[1]++;
                        }
                    }, new Progress("test", 2, "s"), () -> "");

            assertThat(o.batchSize()).isEqualTo(3); // 1,500 events/s at 500 requests/s at most
            assertThat(requests.get()).isEqualTo(1000);
            assertThat(o.failed()).isEqualTo(40);
            assertThat(acked).isEqualTo(received).hasSize(960 * 3);
            assertThat(o.measuredEvents()).isEqualTo(500 * 3); // the second second's requests
            assertThat(o.ackedEvents()).isEqualTo(measuredAcks.get()).isEqualTo(o.requestAckNanos().length * 3L);
            assertThat(o.requestAckNanos()).isSorted();
            assertThat(java.util.Arrays.stream(o.requestAckNanos()).allMatch(n -> n > 0)).isTrue();
            assertThat(authorizations).containsExactly("Bearer k");
            assertThat(List.of(parts[0], parts[1])).containsExactly(1, 1);
        } finally {
            server.stop(0);
        }
    }
}
