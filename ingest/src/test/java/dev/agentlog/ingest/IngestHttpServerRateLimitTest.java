package dev.agentlog.ingest;

import static dev.agentlog.ingest.Fixtures.KEY;
import static dev.agentlog.ingest.Fixtures.OTHER_KEY;
import static dev.agentlog.ingest.Fixtures.array;
import static dev.agentlog.ingest.Fixtures.postEvents;
import static dev.agentlog.ingest.Fixtures.send;
import static dev.agentlog.ingest.Fixtures.validEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.ingest.Fixtures.Reply;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A key over {@code --rate-limit-per-key} gets 429 with {@code Retry-After}, each key with its own bucket.
 * The server's clock is the test's: time moves when the test says, never by sleeping.
 */
class IngestHttpServerRateLimitTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private IngestHttpServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    /** 2 events a second, at most 3 at once (the request limit of the small settings). */
    private int start() {
        server = Fixtures.startWithMockKafka(Fixtures.smallSettings().withRateLimit(2, 3), clock::get);
        return server.port();
    }

    private void advanceSeconds(double seconds) {
        clock.addAndGet((long) (seconds * TimeUnit.SECONDS.toNanos(1)));
    }

    @Test
    void shouldAnswer429WithRetryAfterOnceAKeyHasSpentItsBurstAndTakeNothingOfThatRequest() {
        int port = start();
        assertThat(send(postEvents(port, array(validEvent("e-1"), validEvent("e-2")), KEY)).status()).isEqualTo(202);
        assertThat(send(postEvents(port, validEvent("e-3").toString(), KEY)).status()).isEqualTo(202);

        Reply refused = send(postEvents(port, array(validEvent("e-4"), validEvent("e-5")), KEY));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.json().get("error").asText())
                .isEqualTo("the API key 'tester' is over its rate of 2 events/s (burst 3, --rate-limit-per-key): nothing "
                        + "of this request was taken; send it again after 1 s");
    }

    @Test
    void shouldLetTheKeyGoOnOnceItsTokensAreBack() {
        int port = start();
        send(postEvents(port, array(validEvent("e-1"), validEvent("e-2"), validEvent("e-3")), KEY));
        assertThat(send(postEvents(port, validEvent("e-4").toString(), KEY)).status()).isEqualTo(429);

        advanceSeconds(0.5); // one token back at 2/s

        assertThat(send(postEvents(port, validEvent("e-4").toString(), KEY)).status()).isEqualTo(202);
        assertThat(send(postEvents(port, validEvent("e-5").toString(), KEY)).status()).isEqualTo(429);
    }

    @Test
    void shouldSayHowLongABatchMustWait() {
        int port = start();
        send(postEvents(port, array(validEvent("e-1"), validEvent("e-2"), validEvent("e-3")), KEY));

        Reply refused = send(postEvents(port, array(validEvent("e-4"), validEvent("e-5"), validEvent("e-6")), KEY));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).as("3 tokens at 2/s").isEqualTo("2");
    }

    @Test
    void shouldLimitEachKeyOnItsOwn() {
        int port = start();
        send(postEvents(port, array(validEvent("e-1"), validEvent("e-2"), validEvent("e-3")), KEY));

        assertThat(send(postEvents(port, validEvent("e-4").toString(), KEY)).status()).isEqualTo(429);
        assertThat(send(postEvents(port, validEvent("e-5").toString(), OTHER_KEY)).status()).isEqualTo(202);
    }
}
