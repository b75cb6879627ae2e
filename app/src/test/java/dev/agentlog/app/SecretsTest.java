package dev.agentlog.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void shouldMaskPasswordParametersOfAJdbcUrl() {
        assertThat(Secrets.maskJdbcUrl("jdbc:postgresql://db:5432/x?user=a&password=s3cr3t&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/x?user=a&password=****&ssl=true");
        assertThat(Secrets.maskJdbcUrl("jdbc:postgresql://db/x?PASSWORD=s3cr3t")).doesNotContain("s3cr3t");
    }

    @Test
    void shouldMaskThePasswordOfUserInfoInAUrl() {
        assertThat(Secrets.maskJdbcUrl("jdbc:postgresql://ada:s3cr3t@db:5432/x"))
                .isEqualTo("jdbc:postgresql://ada:****@db:5432/x");
    }

    @Test
    void shouldLeaveAUrlWithoutSecretsAlone() {
        assertThat(Secrets.maskJdbcUrl("jdbc:postgresql://127.0.0.1:15432/postgres?user=postgres"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:15432/postgres?user=postgres");
    }

    @Test
    void shouldMaskSecretsInAKafkaConfig() {
        Map<String, String> masked = Secrets.maskConfig(Map.of(
                "bootstrap.servers", "k:9092",
                "ssl.keystore.password", "s3cr3t",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"s3cr3t\";",
                "url", "jdbc:postgresql://db/x?password=s3cr3t"));

        assertThat(masked.toString()).doesNotContain("s3cr3t");
        assertThat(masked).containsEntry("bootstrap.servers", "k:9092").containsEntry("ssl.keystore.password", "****");
        assertThat(masked.get("sasl.jaas.config")).contains("username=\"u\"").contains("password=****");
    }
}
