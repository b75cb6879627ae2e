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
    /** How far behind its original a re-delivered copy arrives, at most (records of the whole input). */
    static final int MAX_REDELIVERY_DISTANCE = 1_000;

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

    /** The input and how many distinct events it carries (the events of record the processor must write). */
    public record Input(List<Event> records, long distinctEvents) {}

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
            case CLEAN -> new Input(List.copyOf(log), log.size());
            case DUPLICATES -> new Input(withRedeliveries(log, share, new Random(seed)), log.size());
            case GAPS -> new Input(withSwappedNeighbours(log, share, new Random(seed)), log.size());
        };
    }

    /** Each chosen event comes again 1..MAX_REDELIVERY_DISTANCE records after its first delivery. */
    private static List<Event> withRedeliveries(List<Event> log, double share, Random random) {
        int n = log.size();
        // copies to insert after input index i, in the order they were chosen
        Map<Integer, List<Event>> after = new HashMap<>();
        for (int i = 0; i < n; i++) {
            if (random.nextDouble() < share) {
                int at = Math.min(n - 1, i + 1 + random.nextInt(MAX_REDELIVERY_DISTANCE));
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
     * so that k + 1 arrives first and waits for k. The pairs never overlap: k + 1 is not chosen in turn.
     */
    private static List<Event> withSwappedNeighbours(List<Event> log, double share, Random random) {
        Event[] out = log.toArray(new Event[0]);
        Map<String, Integer> lastIndexOfStream = new HashMap<>();
        boolean[] swapped = new boolean[out.length];
        for (int i = 0; i < out.length; i++) {
            String stream = log.get(i).streamId();
            Integer previous = lastIndexOfStream.put(stream, i);
            if (previous != null && !swapped[previous] && random.nextDouble() < share) {
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
