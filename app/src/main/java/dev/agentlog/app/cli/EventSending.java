package dev.agentlog.app.cli;

import dev.agentlog.client.EventPublisher;
import dev.agentlog.events.Event;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.producer.RecordMetadata;

/** How the import commands send events: in chunks, each acknowledged by Kafka (acks=all) before the next. */
final class EventSending {
    static final int CHUNK = 1_000;

    private EventSending() {}

    /**
     * Sends the chunk and waits for Kafka's acks; empties it; returns how many were sent.
     *
     * @param what what is imported, for the message of a failure
     * @param before how many were acknowledged before this chunk
     */
    static int send(EventPublisher publisher, List<Event> chunk, String what, int before) {
        if (chunk.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<RecordMetadata>> acks = publisher.publishAll(chunk);
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw new IllegalStateException("Kafka did not acknowledge every event of " + what + " ("
                    + e.getCause().getMessage() + "); " + before + " were acknowledged before. Run the same import again:"
                    + " the pipeline keeps each event once", e);
        }
        int size = chunk.size();
        chunk.clear();
        return size;
    }
}
