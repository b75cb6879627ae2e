package dev.agentlog.sink.replay;

import dev.agentlog.sink.DeadLetter;
import dev.agentlog.sink.DeadLetterSink;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a rebuild's refused records go: nowhere but a count and a log line. The live sink sent each of them
 * to the dead-letter topic when it met them first; sending them again would only double that topic.
 */
final class CountingDeadLetters implements DeadLetterSink {
    private static final Logger log = LoggerFactory.getLogger(CountingDeadLetters.class);
    private final String context;
    private final AtomicLong count = new AtomicLong();

    CountingDeadLetters(String context) {
        this.context = context;
    }

    @Override
    public void send(List<DeadLetter> letters) {
        for (DeadLetter letter : letters) {
            log.info("{} not applied (the live sink dead-lettered it when it met it): {}", context, letter);
        }
        count.addAndGet(letters.size());
    }

    long count() {
        return count.get();
    }
}
