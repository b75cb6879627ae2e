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

    @Test
    void shouldMaskEveryJaasOptionButTheUserName() {
        String masked = Secrets.maskConfig(Map.of("sasl.jaas.config",
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId='app'"
                        + " clientSecret='s3cr3t' username=\"u\" password=s3cr3t;")).get("sasl.jaas.config");

        assertThat(masked).doesNotContain("s3cr3t").contains("OAuthBearerLoginModule required", "username=\"u\"",
                "clientSecret=****");
    }

    @Test
    void shouldMaskKeystoresAndPrivateKeys() {
        assertThat(Secrets.maskConfig(Map.of("ssl.keystore.key", "-----BEGIN PRIVATE KEY-----", "ssl.key.password", "k",
                "producer.ssl.keystore.password", "p", "ssl.truststore.location", "/etc/ca.p12")))
                .containsEntry("ssl.keystore.key", "****").containsEntry("ssl.key.password", "****")
                .containsEntry("producer.ssl.keystore.password", "****")
                .containsEntry("ssl.truststore.location", "/etc/ca.p12");
    }
}
