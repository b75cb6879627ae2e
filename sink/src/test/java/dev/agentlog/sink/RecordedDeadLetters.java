package dev.agentlog.sink;

import java.util.ArrayList;
import java.util.List;

/** A dead-letter sink that keeps the letters, optionally failing the first sends. */
final class RecordedDeadLetters implements DeadLetterSink {
    final List<DeadLetter> letters = new ArrayList<>();
    int failuresLeft;

    @Override
    public synchronized void send(List<DeadLetter> batch) throws Exception {
        if (failuresLeft > 0) {
            failuresLeft--;
            throw new java.util.concurrent.TimeoutException("dead-letter topic unavailable (test)");
        }
        letters.addAll(batch);
    }
}
