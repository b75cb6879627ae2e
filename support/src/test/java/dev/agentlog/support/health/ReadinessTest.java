package dev.agentlog.support.health;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.agentlog.support.time.ManualTime;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ReadinessTest {
    @Test
    void shouldBeNotReadyWhileAnySourceIsDownAndLogOnlyTheStartAndTheEnd() {
        ManualTime time = new ManualTime();
        Readiness readiness = new Readiness(time);
        Readiness.Component sink = readiness.component("sink");
        readiness.component("processor");
        Logger logger = (Logger) LoggerFactory.getLogger(Readiness.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        Level was = logger.getLevel();
        logger.setLevel(Level.INFO);
        try {
            sink.down("worker-0", "PostgreSQL unreachable");
            sink.down("worker-1", "PostgreSQL unreachable");
            sink.down("worker-0", "PostgreSQL unreachable");
            assertThat(readiness.ready()).isFalse();
            assertThat(readiness.problems()).containsExactly("sink: PostgreSQL unreachable");
            sink.up("worker-0");
            assertThat(readiness.ready()).isFalse();
            time.advance(90_000);
            sink.up("worker-1");
            sink.up("worker-1");
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(was);
        }
        assertThat(readiness.ready()).isTrue();
        assertThat(readiness.problems()).isEmpty();
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "[sink] not ready: PostgreSQL unreachable (worker-0); it keeps trying and resumes by itself",
                "[sink] ready again after 90000 ms");
    }
}
