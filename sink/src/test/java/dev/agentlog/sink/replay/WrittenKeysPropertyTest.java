package dev.agentlog.sink.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.sink.fold.ContextRow;
import dev.agentlog.sink.internal.TargetTables;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class WrittenKeysPropertyTest {

    /** Skipping a lookup is exact only if a written key is never reported absent. */
    @Property(tries = 200)
    void shouldNeverReportAWrittenKeyAbsent(@ForAll @Size(max = 300) List<String> keys,
            @ForAll @Size(max = 50) Set<Integer> positions) {
        WrittenKeys written = new WrittenKeys(keys.size() + positions.size());
        keys.forEach(k -> written.written("messages", k));
        positions.forEach(p -> written.written("agent_context", new ContextRow.Key("agent-1", p)));

        assertThat(keys).allMatch(k -> written.mayExist("messages", k));
        assertThat(positions).allMatch(p -> written.mayExist("agent_context", new ContextRow.Key("agent-1", p)));
    }

    @Test
    void shouldReportMostKeysNeverWrittenAbsent() {
        WrittenKeys written = new WrittenKeys(100_000);
        IntStream.range(0, 100_000).forEach(i -> written.written("events", "event-" + i));

        long maybe = IntStream.range(0, 10_000).filter(i -> written.mayExist("events", UUID.randomUUID().toString()))
                .count();
        assertThat(maybe).isLessThan(500); // sized for 1%; a filter that says "maybe" to everything saves nothing
        assertThat(written.mayExist("messages", "event-1")).as("another table's key").isFalse();
    }

    @Test
    void shouldSayMaybeToEverythingWhenAnyKeyMayExist() {
        assertThat(TargetTables.LIVE.mayHold("events", "never-written")).isTrue();
        assertThat(ShadowTables.resumed().mayHold("events", "never-written")).as("a resumed rebuild's").isTrue();
    }
}
