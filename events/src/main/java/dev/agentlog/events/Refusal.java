package dev.agentlog.events;

import java.util.List;
import java.util.Objects;

/**
 * Why a record goes to the dead-letter topic, as its headers say it: the reason, the rule in words, and the kinds of
 * rule broken (empty when the reason is not a broken rule: a conflict, a gap, a tenant, poison).
 */
public record Refusal(DeadLetterReason reason, String rule, List<RuleCode> codes) {
    public Refusal {
        Objects.requireNonNull(reason, "reason");
        rule = rule == null ? "(no rule given)" : rule;
        codes = List.copyOf(codes);
    }

    /** An event the codec (or another check of the contract) refused: the reason follows from the rules it broke. */
    public static Refusal of(InvalidEventException refused) {
        return new Refusal(DeadLetterReason.of(refused), refused.getMessage(), List.copyOf(refused.codes()));
    }

    /** A refusal that is no broken rule of the contract (conflict, gap, tenant, poison): the rule in words only. */
    public static Refusal of(DeadLetterReason reason, String rule) {
        return new Refusal(reason, rule, List.of());
    }

    @Override
    public String toString() {
        return reason + " (" + rule + ")";
    }
}
