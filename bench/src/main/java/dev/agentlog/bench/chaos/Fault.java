package dev.agentlog.bench.chaos;

/**
 * One fault of the schedule, as it happened: what, on which part, and when (System.nanoTime) it was injected, repaired
 * (the part started again, the link up) and recovered (the events acknowledged last before the repair were all in
 * PostgreSQL); recovered is 0 when that did not happen within the bound.
 */
record Fault(Kind kind, String target, long injected, long repaired, long recovered) {
    enum Kind {
        BROKER("a broker SIGKILLed (not the active controller), restarted"),
        CONTROLLER("the active controller of the quorum (a broker too) SIGKILLed, restarted"),
        PROCESSOR("a processor instance SIGKILLed, restarted"),
        SINK("a sink worker SIGKILLed, restarted"),
        POSTGRES("PostgreSQL's postmaster SIGKILLed, started again (crash recovery)"),
        HOST_CUT("a host (its processor and sink worker) cut off the network, link up again");

        final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    boolean hasRecovered() {
        return recovered != 0;
    }

    /** From the injection to the recovery. */
    double recoverySeconds() {
        return (recovered - injected) / 1e9;
    }

    /** From the repair to the recovery: what the pipeline took by itself once the fault was gone. */
    double catchUpSeconds() {
        return (recovered - repaired) / 1e9;
    }
}
