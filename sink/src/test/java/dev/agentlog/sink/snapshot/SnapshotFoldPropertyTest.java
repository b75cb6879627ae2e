package dev.agentlog.sink.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.RandomLogsAccess;
import dev.agentlog.sink.SinkRecord;
import dev.agentlog.sink.fold.LogFold;
import dev.agentlog.sink.fold.ProjectionState;
import dev.agentlog.sink.snapshot.SnapshotFormat.StreamRows;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.TopicPartition;

/**
 * Fold = rebuild from a snapshot: for any log of a few streams (re-deliveries, erasures, shared blocks, cascades that
 * cross streams) cut anywhere, the state folded up to the cut, cut into streams, written as snapshot records (sealed
 * or in clear) and read back, then folded on with the tail, equals the fold of the whole log.
 */
class SnapshotFoldPropertyTest {
    private final EventCodec codec = EventCodec.standard();

    @Property(tries = 1000)
    void snapshotPlusTailEqualsTheWholeLog(@ForAll("logs") List<RandomLogsAccess.Step> steps,
            @ForAll @IntRange(min = 0, max = 100) int cutPercent, @ForAll boolean sealed) throws Exception {
        List<Event> events = new ArrayList<>();
        for (SinkRecord record : RandomLogsAccess.build(steps)) {
            events.add(codec.decode(record.value()));
        }
        int cut = events.size() * cutPercent / 100;

        LogFold whole = new LogFold();
        events.forEach(whole::apply);

        LogFold prefix = new LogFold();
        Set<String> applied = new HashSet<>();
        for (Event e : events.subList(0, cut)) {
            prefix.apply(e);
            applied.add(e.eventId());
        }
        StateCipher cipher = sealed ? new ReversingCipher(Set.of()) : StateCipher.PLAIN;
        ProjectionState restored = roundTrip(prefix.state(), cipher);
        assertThat(prefix.state().differencesFrom(restored, 20)).isEmpty();

        LogFold tail = new LogFold(restored, applied::contains);
        events.subList(cut, events.size()).forEach(tail::apply);
        assertThat(whole.state().differencesFrom(tail.state(), 20)).isEmpty();
    }

    @Property(tries = 200)
    void anErasedSubjectsStreamsReadBackEmptyAndTheOthersWhole(@ForAll("logs") List<RandomLogsAccess.Step> steps)
            throws Exception {
        LogFold fold = new LogFold();
        for (SinkRecord record : RandomLogsAccess.build(steps)) {
            fold.apply(codec.decode(record.value()));
        }
        SnapshotInfo info = info();
        for (StreamRows stream : StreamStates.split(fold.state())) {
            byte[] value = SnapshotFormat.encode(info, stream, new ReversingCipher(Set.of()));
            assertThat(new String(value, StandardCharsets.UTF_8)).doesNotContain("\"state\"");
            SnapshotFormat.Decoded erased = SnapshotFormat.decode(value, new ReversingCipher(Set.of(stream.subject())));
            assertThat(erased.erased()).isTrue();
            assertThat(erased.rows()).isEmpty();
            SnapshotFormat.Decoded open = SnapshotFormat.decode(value, new ReversingCipher(Set.of("someone-else")));
            assertThat(open.rows().keySet()).isEqualTo(stream.rows().keySet());
        }
    }

    @Property(tries = 50)
    void aSealedSnapshotDoesNotOpenWithoutAKeyStore(@ForAll("logs") List<RandomLogsAccess.Step> steps) throws Exception {
        LogFold fold = new LogFold();
        for (SinkRecord record : RandomLogsAccess.build(steps)) {
            fold.apply(codec.decode(record.value()));
        }
        for (StreamRows stream : StreamStates.split(fold.state())) {
            byte[] value = SnapshotFormat.encode(info(), stream, new ReversingCipher(Set.of()));
            assertThatThrownBy(() -> SnapshotFormat.decode(value, StateCipher.PLAIN))
                    .hasMessageContaining("--kek-file");
        }
    }

    private static ProjectionState roundTrip(ProjectionState state, StateCipher cipher) {
        SnapshotInfo info = info();
        ProjectionState restored = new ProjectionState();
        for (StreamRows stream : StreamStates.split(state)) {
            StreamStates.load(SnapshotFormat.decode(SnapshotFormat.encode(info, stream, cipher), cipher), restored);
        }
        return restored;
    }

    private static SnapshotInfo info() {
        return new SnapshotInfo("snapshot-test", "agentlog.events", "agentlog-sink",
                Map.of(new TopicPartition("agentlog.events", 0), 7L), Instant.parse("2026-12-06T22:00:00Z"), 0, true);
    }

    /**
     * Not cryptography: reverses the bytes and prefixes the associated data, so that a test sees a sealed value that is
     * not the plaintext, bound to its stream; subjects in {@code erased} have no key.
     */
    private record ReversingCipher(Set<String> erased) implements StateCipher {
        @Override
        public boolean seals() {
            return true;
        }

        @Override
        public byte[] seal(String subject, byte[] plain, byte[] associatedData) {
            byte[] out = new byte[associatedData.length + plain.length];
            System.arraycopy(associatedData, 0, out, 0, associatedData.length);
            for (int i = 0; i < plain.length; i++) {
                out[associatedData.length + i] = plain[plain.length - 1 - i];
            }
            return out;
        }

        @Override
        public Optional<byte[]> open(String subject, byte[] sealed, byte[] associatedData) {
            if (erased.contains(subject)) {
                return Optional.empty();
            }
            if (!Arrays.equals(Arrays.copyOf(sealed, associatedData.length), associatedData)) {
                throw new IllegalStateException("does not open: another stream's");
            }
            byte[] plain = new byte[sealed.length - associatedData.length];
            for (int i = 0; i < plain.length; i++) {
                plain[i] = sealed[sealed.length - 1 - i];
            }
            return Optional.of(plain);
        }
    }

    @Provide
    Arbitrary<List<RandomLogsAccess.Step>> logs() {
        return RandomLogsAccess.logs(80);
    }
}
