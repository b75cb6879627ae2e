package dev.agentlog.app.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a long-running command alive until SIGTERM/SIGINT, then closes what it started in reverse
 * order. Resources are registered as they start, so a failure half-way still closes the first ones.
 * A part that stops on its own ({@link #fail}) ends the wait too: a process that lives on with its
 * processor or a sink worker dead would look healthy to its supervisor while doing nothing, so it exits
 * non-zero and the supervisor restarts it (each part resumes from its last commit).
 */
public final class Running implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Running.class);
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile String failure;
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

    /**
     * Blocks until the process is asked to stop or a part fails.
     *
     * @return {@link ExitCodes#OK} when asked to stop, {@link ExitCodes#FAILURE} when a part failed
     */
    public int awaitStop() throws InterruptedException {
        stopped.await();
        String failed = failure;
        if (failed == null) {
            return ExitCodes.OK;
        }
        log.error("stopping: {}; exiting with code {} so that a supervisor restarts this process", failed,
                ExitCodes.FAILURE);
        return ExitCodes.FAILURE;
    }

    /** A part stopped on its own: {@link #awaitStop} returns at once with a failure. Safe from any thread. */
    public void fail(String reason) {
        if (failure == null) {
            failure = reason;
        }
        stopped.countDown();
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
