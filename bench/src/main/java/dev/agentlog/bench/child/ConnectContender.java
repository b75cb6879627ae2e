package dev.agentlog.bench.child;

import java.util.Arrays;
import java.util.function.BiPredicate;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Connect standalone, as {@code connect-standalone.sh worker.properties connector.properties} runs it, from this
 * JVM's classpath ({@code plugin.discovery=service_load}). Stopped by the JVM's exit, through Connect's own shutdown
 * hook.
 */
final class ConnectContender implements ChildMain.Contender {
    private static final Logger log = LoggerFactory.getLogger(ConnectContender.class);
    /** On the stack of every thread that runs a connector task. */
    static final String TASK_CLASS = "org.apache.kafka.connect.runtime.WorkerTask";

    private ConnectContender() {}

    /** Arguments: the worker properties file, the connector properties file. */
    static ConnectContender start(String[] args) {
        Thread main = new Thread(() -> {
            try {
                ConnectStandalone.main(args);
            } catch (Exception e) {
                log.error("Kafka Connect standalone failed", e);
            }
        }, "connect-standalone-main");
        main.setDaemon(true);
        main.start();
        return new ConnectContender();
    }

    @Override
    public BiPredicate<String, StackTraceElement[]> workerThreads() {
        // the tasks run on the worker's executor (threads "pool-N-thread-M"): known by WorkerTask on their stack
        return (name, stack) -> Arrays.stream(stack).anyMatch(f -> f.getClassName().startsWith(TASK_CLASS));
    }

    @Override
    public void close() {
        // Connect's shutdown hook stops the herder and its tasks when the JVM exits
    }
}
