package dev.agentlog.ingest;

import dev.agentlog.client.PublisherSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IngestSettingsTest {
    private static final ApiKeys KEYS = ApiKeys.parse("ci:very-secret-key");

    @Test
    void shouldUseTheContractsLimitsByDefault() {
        IngestSettings settings = IngestSettings.defaults(KEYS);

        assertThat(settings.host()).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isEqualTo(8080);
        assertThat(settings.maxRequestBytes()).isEqualTo(8 * 1024 * 1024);
        assertThat(settings.maxEventsPerRequest()).isEqualTo(1000);
        assertThat(settings.maxEventBytes()).isEqualTo(1024 * 1024);
        assertThat(settings.httpThreads()).isEqualTo(16);
        assertThat(settings.publishTimeoutMs()).isEqualTo(10_000);
        assertThat(settings.retryAfterSeconds()).isEqualTo(5);
        assertThat(settings.publisherSettings()).isEqualTo(PublisherSettings.DEFAULT);
    }

    @Test
    void shouldMaskKeysInToString() {
        assertThat(IngestSettings.defaults(KEYS).withHost("0.0.0.0").withPort(0).toString())
                .contains("apiKeys=ApiKeys[ci=****]", "host=0.0.0.0", "port=0")
                .doesNotContain("very-secret-key");
    }

    @Test
    void shouldReportEveryProblemAtOnceByOptionName() {
        assertThatThrownBy(() -> new IngestSettings(" ", 70_000, ApiKeys.parse(""), 0, 0, 0, 0, 10, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--http-host must not be empty")
                .hasMessageContaining("--http-port must be 0..65535 (0 picks a free port), was 70000")
                .hasMessageContaining("--api-keys must name at least one key")
                .hasMessageContaining("--max-request-bytes must be >= 1, was 0")
                .hasMessageContaining("--max-events-per-request must be >= 1, was 0")
                .hasMessageContaining("--max-event-bytes must be >= 1, was 0")
                .hasMessageContaining("--http-threads must be 1..1024, was 0")
                .hasMessageContaining("--publish-timeout-ms must be >= 100, was 10")
                .hasMessageContaining("--retry-after-seconds must be >= 1, was 0");
    }

    @Test
    void shouldRefuseAnEventLimitAboveTheRequestLimit() {
        assertThatThrownBy(() -> new IngestSettings("127.0.0.1", 0, KEYS, 1000, 10, 2000, 1, 1000, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--max-event-bytes (2000) must not exceed --max-request-bytes (1000)");
    }

    @Test
    void shouldRefuseABadPublisherSetting() {
        assertThatThrownBy(() -> new PublisherSettings(0, 99))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--max-event-bytes must be >= 1, was 0")
                .hasMessageContaining("--publish-timeout-ms must be >= 100, was 99");
    }

    @Test
    void shouldCheckTheTimeLimitsAndTheRateLimit() {
        IngestSettings defaults = IngestSettings.defaults(KEYS);

        assertThat(defaults.idleTimeoutMs()).isEqualTo(30_000);
        assertThat(defaults.requestTimeoutMs()).isEqualTo(60_000);
        assertThat(defaults.rateLimitPerKey()).isZero();
        assertThat(defaults.withRateLimit(50, 0).rateLimitBurst()).as("the request limit").isEqualTo(1000);
        assertThat(defaults.withRateLimit(5000, 0).rateLimitBurst()).as("the rate").isEqualTo(5000);
        assertThatThrownBy(() -> defaults.withTimeouts(99, 0).withRateLimit(-1, -1))
                .hasMessageContaining("--http-idle-timeout-ms must be >= 100, was 99")
                .hasMessageContaining("--http-request-timeout-ms must be >= 100, was 0");
        assertThatThrownBy(() -> defaults.withRateLimit(-1, -1))
                .hasMessageContaining("--rate-limit-per-key must be >= 0 (0 = no limit), was -1")
                .hasMessageContaining("--rate-limit-burst must be >= 0");
        assertThatThrownBy(() -> defaults.withRateLimit(10, 999))
                .hasMessageContaining("--rate-limit-burst (999) must be at least --max-events-per-request (1000)");
    }

    @Test
    void shouldSayInToStringWhetherTlsAndTheRateLimitAreOn() {
        assertThat(IngestSettings.defaults(KEYS).withRateLimit(10, 0).toString())
                .contains("tls=off", "rateLimitPerKey=10/s, burst 1000", "idleTimeoutMs=30000", "requestTimeoutMs=60000");
    }
}
