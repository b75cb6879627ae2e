package dev.agentlog.ingest.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request body without holding a thread while the client sends it (Jetty calls back as bytes arrive)
 * and without ever holding more than the limit, whether the body came with a length or chunked. The future
 * fails with {@link TooLargeException} as soon as the limit is passed, with {@link LateException} when the
 * body has not arrived in full by the deadline, and with {@link BrokenException} when the connection fails.
 */
public final class BodyReader {
    /** The body is longer than the limit; it was not read to its end. */
    public static final class TooLargeException extends Exception {
        public TooLargeException(String message) {
            super(message, null, false, false);
        }
    }

    /** The body had not arrived in full by the request's deadline. */
    public static final class LateException extends Exception {
        public LateException(String message) {
            super(message, null, false, false);
        }
    }

    /** Reading failed (the client went away, or stopped sending for the idle timeout). */
    public static final class BrokenException extends Exception {
        public BrokenException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final Request request;
    private final int maxBytes;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();

    private BodyReader(Request request, int maxBytes) {
        this.request = request;
        this.maxBytes = maxBytes;
    }

    /**
     * Starts reading; the future completes on the thread that delivers the last bytes.
     *
     * @param remainingNanos time left until the request's deadline
     */
    public static CompletableFuture<byte[]> read(Request request, int maxBytes, long remainingNanos, Scheduler scheduler) {
        BodyReader reader = new BodyReader(request, maxBytes);
        if (remainingNanos <= 0) {
            reader.result.completeExceptionally(late());
            return reader.result;
        }
        Scheduler.Task timer = scheduler.schedule(() -> reader.result.completeExceptionally(late()), remainingNanos,
                TimeUnit.NANOSECONDS);
        reader.result.whenComplete((bytes, failure) -> timer.cancel());
        reader.readAvailable();
        return reader.result;
    }

    private static LateException late() {
        return new LateException("the request did not arrive in full within --http-request-timeout-ms: send it faster, "
                + "or in smaller requests");
    }

    /** Reads what has arrived, then asks Jetty to call again when more does. Jetty never runs two at once. */
    private void readAvailable() {
        while (!result.isDone()) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this::readAvailable);
                return;
            }
            try {
                if (Content.Chunk.isFailure(chunk)) {
                    result.completeExceptionally(chunk.getFailure() instanceof java.util.concurrent.TimeoutException
                            ? new LateException("the request body stopped arriving for --http-idle-timeout-ms")
                            : new BrokenException("the request body could not be read: " + chunk.getFailure(),
                                    chunk.getFailure()));
                    return;
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                if (body.size() + (long) bytes.remaining() > maxBytes) {
                    result.completeExceptionally(new TooLargeException("the request body is more than " + maxBytes
                            + " bytes (--max-request-bytes): split it into smaller requests"));
                    return;
                }
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                body.write(copy, 0, copy.length);
                if (chunk.isLast()) {
                    result.complete(body.toByteArray());
                    return;
                }
            } finally {
                chunk.release();
            }
        }
    }

    /**
     * Reads and drops what is left of a body the answer did not need (a 413, a 401 before reading), up to
     * {@code maxBytes}, then runs {@code done}. Closing a connection with unread input sends a TCP reset, and a
     * client still uploading would then lose the answer it was sent; past the limit (or when the client stops
     * sending for the idle timeout) the connection is closed anyway.
     */
    public static void drain(Request request, long maxBytes, Runnable done) {
        new Drain(request, maxBytes, done).run();
    }

    private static final class Drain implements Runnable {
        private final Request request;
        private final Runnable done;
        private long left;

        Drain(Request request, long maxBytes, Runnable done) {
            this.request = request;
            this.left = maxBytes;
            this.done = done;
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                boolean over = Content.Chunk.isFailure(chunk) || chunk.isLast();
                left -= chunk.remaining();
                chunk.release();
                if (over || left < 0) {
                    done.run();
                    return;
                }
            }
        }
    }
}
