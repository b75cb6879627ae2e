package dev.agentlog.support.retry;

/** The policy's attempts or deadline ran out while the work still failed; the cause is the last failure. */
public final class RetriesExhaustedException extends RuntimeException {
    private final int attempts;
    private final long elapsedMs;
    private final String failure;

    RetriesExhaustedException(String what, int attempts, long elapsedMs, String failure, Throwable cause) {
        super(what + " still failing after " + attempts + " attempts in " + elapsedMs + " ms (" + failure + ")", cause);
        this.attempts = attempts;
        this.elapsedMs = elapsedMs;
        this.failure = failure;
    }

    /** Attempts made, the first included. */
    public int attempts() {
        return attempts;
    }

    /** From the start of the first attempt to the end of the last. */
    public long elapsedMs() {
        return elapsedMs;
    }

    /** The last failure, as its domain names it (e.g. "SQLSTATE 08001: Connection refused"). */
    public String failure() {
        return failure;
    }
}
