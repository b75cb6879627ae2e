package dev.agentlog.app.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a long-running command alive until SIGTERM/SIGINT, then closes what it started in reverse
 * order. Resources are registered as they start, so a failure half-way still closes the first ones.
 */
public final class Running implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Running.class);
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook = new Thread(this::closeQuietly, "agentlog-shutdown");

    public Running() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    public <T extends AutoCloseable> T add(T resource) {
        synchronized (resources) {
            resources.push(resource);
        }
        return resource;
    }

    /** Blocks until the process is asked to stop. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    private void closeQuietly() {
        synchronized (resources) {
            while (!resources.isEmpty()) {
                AutoCloseable resource = resources.pop();
                try {
                    resource.close();
                } catch (Exception e) {
                    log.warn("error while stopping {}", resource, e);
                }
            }
        }
        stopped.countDown();
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            return; // already shutting down: the hook does the closing
        }
        closeQuietly();
    }
}
