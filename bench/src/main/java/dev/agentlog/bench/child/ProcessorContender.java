package dev.agentlog.bench.child;

import dev.agentlog.events.Topics;
import dev.agentlog.processor.EventProcessor;
import dev.agentlog.processor.ProcessorSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
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

    /** Arguments: bootstrap servers, topic prefix, application id, state directory. */
    static ProcessorContender start(String[] args) {
        if (args.length != 4) {
            throw new IllegalArgumentException("processor contender arguments: bootstrap prefix application-id state-dir,"
                    + " got " + args.length);
        }
        ProcessorSettings settings = ProcessorSettings.defaults(Path.of(args[3])).withStateDir(Path.of(args[3]))
                .withApplicationId(args[2]);
        EventProcessor processor = new EventProcessor(args[0], new Topics(args[1]), settings, new SimpleMeterRegistry());
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
