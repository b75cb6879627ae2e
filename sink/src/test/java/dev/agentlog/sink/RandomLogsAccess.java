package dev.agentlog.sink;

import java.util.List;
import net.jqwik.api.Arbitrary;

/** {@link RandomLogs} for the property tests of other packages (snapshots). */
public final class RandomLogsAccess {
    private RandomLogsAccess() {}

    /** One step of a random log. */
    public record Step(RandomLogs.Step step) {
        /** A new event of {@code streamId} (a test's own steps beside the random ones). */
        public static Step of(String streamId, dev.agentlog.events.EventType type, String payload) {
            return new Step(new RandomLogs.Step(streamId, type, payload, 0));
        }

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

    /**
     * The log of these steps in one partition, applied by the real sink ({@link SinkCore}) to a fresh schema of the test
     * PostgreSQL; returns the schema (the read side's property tests query it).
     */
    public static String sinkIntoFreshSchema(List<Step> steps) {
        String schema = TestPostgres.freshSchema("random");
        SinkCore core = new SinkCore(TestPostgres.dataSource(), SinkSettings.defaults().withSchema(schema),
                new RecordedDeadLetters(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        TestLog log = RandomLogs.build(steps.stream().map(Step::step).toList(), 1);
        core.assign(log.partitions());
        core.process(log.drain());
        return schema;
    }

    /** The log of these steps in one partition (one order: the order a snapshot's fold and the whole fold both take). */
    public static List<SinkRecord> build(List<Step> steps) {
        return RandomLogs.build(steps.stream().map(Step::step).toList(), 1).records();
    }
}
