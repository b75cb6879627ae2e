package dev.agentlog.sink;

import java.util.ArrayList;
import java.util.List;

/** A dead-letter sink that keeps the letters, optionally failing the first sends, or refusing every one. */
final class RecordedDeadLetters implements DeadLetterSink {
    final List<DeadLetter> letters = new ArrayList<>();
    int failuresLeft;
    /** Thrown by every send when set: what Kafka answers when it will never take them. */
    Exception refusal;

    @Override
    public synchronized void send(List<DeadLetter> batch) throws Exception {
        if (refusal != null) {
            throw refusal;
        }
        if (failuresLeft > 0) {
            failuresLeft--;
            throw new java.util.concurrent.TimeoutException("dead-letter topic unavailable (test)");
        }
        letters.addAll(batch);
    }
}
