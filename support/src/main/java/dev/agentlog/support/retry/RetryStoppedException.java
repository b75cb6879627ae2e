package dev.agentlog.support.retry;

/**
 * Retrying stopped before the work succeeded because the caller is stopping: its sleeper was cut short, or the
 * thread was interrupted (then the interrupt is set again on the thread before this is thrown). The cause is the
 * last failure of the work, or the interrupt.
 */
public final class RetryStoppedException extends RuntimeException {
    private final boolean interrupted;

    RetryStoppedException(String message, boolean interrupted, Throwable cause) {
        super(message, cause);
        this.interrupted = interrupted;
    }

    /** Whether the thread was interrupted (its interrupt flag is set), rather than the wait cut short. */
    public boolean interrupted() {
        return interrupted;
    }
}
