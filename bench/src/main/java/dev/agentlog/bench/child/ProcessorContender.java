package dev.agentlog.bench.child;

import dev.agentlog.events.Topics;
import dev.agentlog.processor.EventProcessor;
import dev.agentlog.processor.ProcessorSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * agentlog's processor as {@code agentlog processor} runs it: one {@link EventProcessor} (exactly-once v2) with the
 * processor's default settings, on the topics of a prefix, under an application id of the bench's choosing (so each
 * run starts from empty state).
 */
final class ProcessorContender implements ChildMain.Contender {
    private final EventProcessor processor;

    private ProcessorContender(EventProcessor processor) {
        this.processor = processor;
    }

    /**
     * Arguments: bootstrap servers, topic prefix, application id, state directory, commit interval in ms (0: the
     * processor's default), gap timeout in ms (0: the processor's default), then any Kafka Streams or client
     * properties as {@code name=value} (applied before agentlog's own, as {@code agentlog processor} applies its
     * {@code --kafka-property}).
     */
    static ProcessorContender start(String[] args) {
        if (args.length < 6) {
            throw new IllegalArgumentException("processor contender arguments: bootstrap prefix application-id state-dir"
                    + " commit-interval-ms gap-timeout-ms [name=value ...], got " + args.length);
        }
        ProcessorSettings settings = ProcessorSettings.defaults(Path.of(args[3])).withStateDir(Path.of(args[3]))
                .withApplicationId(args[2]);
        long commitIntervalMs = Long.parseLong(args[4]);
        if (commitIntervalMs > 0) {
            settings = settings.withCommitIntervalMs(commitIntervalMs);
        }
        long gapTimeoutMs = Long.parseLong(args[5]);
        if (gapTimeoutMs > 0) {
            settings = settings.withGapTimeoutMs(gapTimeoutMs);
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 6; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            properties.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        EventProcessor processor = new EventProcessor(args[0], new Topics(args[1]), settings, new SimpleMeterRegistry(),
                properties);
        processor.start();
        return new ProcessorContender(processor);
    }

    @Override
    public BiPredicate<String, StackTraceElement[]> workerThreads() {
        return (name, stack) -> name.contains("-StreamThread-");
    }

    @Override
    public void close() {
        processor.close();
    }
}
