package dev.agentlog.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** What the sink says on the open /readyz while it waits: the kind of failure, never its message. */
class RetrierTest {
    @Test
    void shouldNameTheSqlStateOrTheTypeButNeverTheMessage() {
        assertThat(Retrier.unavailable(new SQLException("INSERT ... VALUES ('secret payload')", "53100")))
                .isEqualTo("PostgreSQL unavailable (SQLSTATE 53100)");
        assertThat(Retrier.unavailable(new SQLTransientConnectionException("pool - Connection is not available")))
                .isEqualTo("PostgreSQL unavailable (SQLTransientConnectionException)");
        assertThat(Retrier.unavailable(new TimeoutException("Expiring 3 record(s) for agentlog.events.dlq-0")))
                .isEqualTo("Kafka unavailable (TimeoutException)");
    }
}
