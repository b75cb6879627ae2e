package dev.agentlog.cdc.internal;

/**
 * Decides how loudly to speak of the WAL a slot holds: quietly (info) under the threshold, a warning on the
 * measurement that crosses it and at every report while over, one line when it is back under. Pure, not thread-safe.
 */
final class WalAlarm {
    enum Say { NOTHING, INFO, WARN, BACK_UNDER }

    private final long thresholdBytes;
    private boolean over;

    /** @param thresholdBytes 0 = never warn */
    WalAlarm(long thresholdBytes) {
        this.thresholdBytes = thresholdBytes;
    }

    /** A new measurement: WARN when it crosses the threshold, BACK_UNDER when it falls under it again. */
    Say measured(long retainedBytes) {
        boolean nowOver = thresholdBytes > 0 && retainedBytes > thresholdBytes;
        Say say = nowOver && !over ? Say.WARN : !nowOver && over ? Say.BACK_UNDER : Say.NOTHING;
        over = nowOver;
        return say;
    }

    /** The periodic report: a warning while over the threshold, else information. */
    Say report() {
        return over ? Say.WARN : Say.INFO;
    }

    boolean over() {
        return over;
    }
}
