package dev.agentlog.sink;

import java.util.List;

/**
 * Where refused records go: the dead-letter topic ({@link KafkaDeadLetterSink}), or a list in tests.
 * The sink commits the offsets past a refused record only after {@link #send} returned.
 */
public interface DeadLetterSink extends AutoCloseable {
    /**
     * Sends every letter and returns once all are stored durably (Kafka: acknowledged with acks=all).
     *
     * @throws Exception when any was not stored; the sink retries and never skips the record
     */
    void send(List<DeadLetter> letters) throws Exception;

    @Override
    default void close() {}
}
