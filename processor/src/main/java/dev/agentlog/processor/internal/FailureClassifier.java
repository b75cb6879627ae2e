package dev.agentlog.processor.internal;

import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.Violation;
import dev.agentlog.processor.DeadLetterReason;

/**
 * The one place that decides the dead-letter reason of an event the codec refused. The codec reports
 * violations as (field, rule) text, so this reads them: an unknown type wins over everything (nothing else
 * of such an event can be checked), then a schema_version this build cannot read, then plain invalid.
 */
public final class FailureClassifier {
    private FailureClassifier() {}

    public static DeadLetterReason reasonOf(InvalidEventException e) {
        boolean unsupportedVersion = false;
        for (Violation v : e.violations()) {
            if (v.field().equals("type") && v.rule().startsWith("unknown event type")) {
                return DeadLetterReason.UNKNOWN_TYPE;
            }
            if (v.field().equals("schema_version") && (v.rule().contains("is newer than the newest known")
                    || v.rule().startsWith("no upcaster") || v.rule().equals("is too large"))) {
                unsupportedVersion = true;
            }
        }
        return unsupportedVersion ? DeadLetterReason.UNSUPPORTED_VERSION : DeadLetterReason.INVALID;
    }
}
