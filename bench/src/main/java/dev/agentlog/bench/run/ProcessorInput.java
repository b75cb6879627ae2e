package dev.agentlog.bench.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The input of one processor bench variant, made from the log of record in order (each stream's events at positions
 * 1, 2, 3, ...): the same events, as records for {@code events.in}, re-arranged as the variant says. Pure: the same
 * log, share and seed give the same input.
 */
public final class ProcessorInput {
    /**
     * How far behind its original a re-delivered copy arrives, and how far apart two swapped neighbours may be, at most
     * (records of the whole input). It keeps a held event's wait far below the processor's gap timeout (30 s) even on
     * a slow machine: a stream whose events lie further apart in the log is not swapped there.
     */
    static final int MAX_DISTANCE = 1_000;

    /** The three shapes of input the bench measures. */
    public enum Variant {
        /** The log as it is: every event once, in order. */
        CLEAN,
        /** A share of the events delivered a second time (the same key and bytes), a little later: producer retries. */
        DUPLICATES,
        /**
         * A share of the events arrive before their stream's previous one (two neighbours of a stream swapped): each
         * waits behind its gap, held, until the missing one comes and releases it. Needs stream_seq in the input.
         */
        GAPS;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One input record: the stream (key) and the event's bytes. */
    public record Event(String streamId, byte[] json) {}

    /**
     * The input, how many distinct events it carries (the events of record the processor must write) and how many
     * were re-delivered (DUPLICATES) or arrive ahead of their predecessor and are held (GAPS).
     */
    public record Input(List<Event> records, long distinctEvents, long rearranged) {}

    private ProcessorInput() {}

    /**
     * @param log the events in log order, each stream's in position order
     * @param share of the events re-delivered (DUPLICATES) or moved ahead of their predecessor (GAPS); unused for CLEAN
     */
    public static Input of(List<Event> log, Variant variant, double share, long seed) {
        if (share < 0 || share > 1) {
            throw new IllegalArgumentException("the share of duplicates or gaps must be in [0, 1], was " + share);
        }
        return switch (variant) {
            case CLEAN -> new Input(List.copyOf(log), log.size(), 0);
            case DUPLICATES -> {
                List<Event> records = withRedeliveries(log, share, new Random(seed));
                yield new Input(records, log.size(), records.size() - log.size());
            }
            case GAPS -> {
                List<Event> records = withSwappedNeighbours(log, share, new Random(seed));
                long held = 0;
                for (int i = 0; i < records.size(); i++) {
                    held += records.get(i) == log.get(i) ? 0 : 1;
                }
                yield new Input(records, log.size(), held / 2);
            }
        };
    }

    /** Each chosen event comes again 1..MAX_DISTANCE records after its first delivery. */
    private static List<Event> withRedeliveries(List<Event> log, double share, Random random) {
        int n = log.size();
        // copies to insert after input index i, in the order they were chosen
        Map<Integer, List<Event>> after = new HashMap<>();
        for (int i = 0; i < n; i++) {
            if (random.nextDouble() < share) {
                int at = Math.min(n - 1, i + 1 + random.nextInt(MAX_DISTANCE));
                after.computeIfAbsent(at, k -> new ArrayList<>()).add(log.get(i));
            }
        }
        List<Event> out = new ArrayList<>(n + n / 8);
        for (int i = 0; i < n; i++) {
            out.add(log.get(i));
            List<Event> copies = after.get(i);
            if (copies != null) {
                out.addAll(copies);
            }
        }
        return out;
    }

    /**
     * A chosen event at position k of its stream trades places (in the whole input) with the stream's event at k + 1,
     * so that k + 1 arrives first and waits for k. The pairs never overlap: k + 1 is not chosen in turn. Only neighbours
     * at most {@link #MAX_DISTANCE} records apart are swapped, and each of those with probability {@code share}.
     */
    private static List<Event> withSwappedNeighbours(List<Event> log, double share, Random random) {
        Event[] out = log.toArray(new Event[0]);
        Map<String, Integer> lastIndexOfStream = new HashMap<>();
        boolean[] swapped = new boolean[out.length];
        for (int i = 0; i < out.length; i++) {
            String stream = log.get(i).streamId();
            Integer previous = lastIndexOfStream.put(stream, i);
            if (previous != null && !swapped[previous] && i - previous <= MAX_DISTANCE && random.nextDouble() < share) {
                Event earlier = out[previous];
                out[previous] = out[i];
                out[i] = earlier;
                swapped[previous] = true;
                swapped[i] = true;
            }
        }
        return Arrays.asList(out);
    }
}
