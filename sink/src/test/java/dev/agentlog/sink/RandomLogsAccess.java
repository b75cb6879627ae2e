package dev.agentlog.sink;

import java.util.List;
import net.jqwik.api.Arbitrary;

/** {@link RandomLogs} for the property tests of other packages (snapshots). */
public final class RandomLogsAccess {
    private RandomLogsAccess() {}

    /** One step of a random log. */
    public record Step(RandomLogs.Step step) {
        @Override
        public String toString() {
            return step.toString();
        }
    }

    public static Arbitrary<List<Step>> logs(int maxSteps) {
        return RandomLogs.logs(maxSteps).map(steps -> steps.stream().map(Step::new).toList());
    }

    /** The log of these steps in {@code partitions} partitions, in the order it was appended. */
    public static List<SinkRecord> build(List<Step> steps, int partitions) {
        return RandomLogs.build(steps.stream().map(Step::step).toList(), partitions).records();
    }

    /** The topic of the logs built here. */
    public static String topic() {
        return TestLog.TOPIC;
    }

    /** The log of these steps in one partition (one order: the order a snapshot's fold and the whole fold both take). */
    public static List<SinkRecord> build(List<Step> steps) {
        return RandomLogs.build(steps.stream().map(Step::step).toList(), 1).records();
    }
}
