package dev.agentlog.sink;

import static dev.agentlog.support.retry.FailureClass.FATAL;
import static dev.agentlog.support.retry.FailureClass.POISON;
import static dev.agentlog.support.retry.FailureClass.RETRIABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.support.retry.FailureClass;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SqlFailuresTest {
    @ParameterizedTest
    @CsvSource({
        "08006, RETRIABLE", "08001, RETRIABLE", "57P01, RETRIABLE", "57P03, RETRIABLE", "40001, RETRIABLE",
        "40P01, RETRIABLE", "53300, RETRIABLE",
        "22021, POISON", "22P05, POISON", "23505, POISON", "54000, POISON",
        "28P01, FATAL", "3F000, FATAL", "42P01, FATAL", "42703, FATAL", "XX000, FATAL"})
    void shouldClassifyBySqlState(String state, FailureClass expected) {
        assertThat(SqlFailures.classify(new SQLException("x", state))).isEqualTo(expected);
    }

    @Test
    void shouldRetryWhenThePoolGaveUpWithoutASqlState() {
        assertThat(SqlFailures.classify(new SQLTransientConnectionException("Connection is not available")))
                .isEqualTo(RETRIABLE);
        assertThat(SqlFailures.classify(new SQLException("something else"))).isEqualTo(FATAL);
    }

    @Test
    void shouldFindTheSqlStateInTheChain() {
        SQLException batch = new SQLException("Batch entry 0 was aborted");
        batch.setNextException(new SQLException("duplicate key", "23505"));
        assertThat(SqlFailures.classify(batch)).isEqualTo(POISON);
    }
}
