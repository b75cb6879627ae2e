package dev.agentlog.app.runtime;

import org.apache.kafka.common.utils.Exit;

/**
 * Kafka reacts to a fatal broker error (port in use, locked data directory) with {@code Exit.halt(1)}, which
 * in-process would kill the whole JVM and skip shutdown hooks. This guard makes those calls throw instead, so
 * the failure surfaces as an exception from broker startup. It is JVM-wide and stays installed.
 */
final class KafkaExitGuard {
    private static boolean installed;

    private KafkaExitGuard() {
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        Exit.setHaltProcedure((statusCode, message) -> {
            throw new KafkaExitAttemptedException("halt", statusCode, message);
        });
        Exit.setExitProcedure((statusCode, message) -> {
            throw new KafkaExitAttemptedException("exit", statusCode, message);
        });
        installed = true;
    }

    /** Thrown where Kafka would have ended the JVM. */
    static final class KafkaExitAttemptedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KafkaExitAttemptedException(String kind, int statusCode, String message) {
            super("Kafka tried to " + kind + " the JVM with status " + statusCode
                    + (message == null ? "" : ": " + message));
        }
    }
}
