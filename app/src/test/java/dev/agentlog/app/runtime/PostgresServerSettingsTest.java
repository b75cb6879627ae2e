package dev.agentlog.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PostgresServerSettingsTest {
    private static final long MB = 1024 * 1024;

    @Test
    void sharedBuffersAreAQuarterOfTheMemoryBetweenTheDefaultAndOneGigabyte() {
        assertThat(PostgresServerSettings.sharedBuffersMb(0)).isEqualTo(128);
        assertThat(PostgresServerSettings.sharedBuffersMb(256 * MB)).isEqualTo(128);
        assertThat(PostgresServerSettings.sharedBuffersMb(2048 * MB)).isEqualTo(512);
        assertThat(PostgresServerSettings.sharedBuffersMb(24L * 1024 * MB)).isEqualTo(1024);
    }
}
