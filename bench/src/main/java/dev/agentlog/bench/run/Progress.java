package dev.agentlog.bench.run;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The progress line of whatever the bench is running: rewritten in place on stderr at most once a second, ended with a
 * newline when the step is done.
 */
public final class Progress {
    private static final PrintStream OUT = System.err;
    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String label;
    private final long total;
    private final String unit;
    private final long started = System.nanoTime();
    private long shownAt;
    private int lastLength;

    public Progress(String label, long total, String unit) {
        this.label = label;
        this.total = total;
        this.unit = unit;
    }

    /** Shows {@code done} of the total (and the average rate since the start), at most once a second. */
    public synchronized void update(long done) {
        update(done, "");
    }

    public synchronized void update(long done, String note) {
        long now = System.nanoTime();
        if (now - shownAt < EVERY_NANOS) {
            return;
        }
        shownAt = now;
        double seconds = (now - started) / 1e9;
        String line = String.format(Locale.ROOT, "  %-28s %,12d / %,d %s (%3.0f%%), %5.1f s%s", label, done, total, unit,
                total == 0 ? 100.0 : 100.0 * done / total, seconds, note.isEmpty() ? "" : ", " + note);
        OUT.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        OUT.flush();
        lastLength = line.length();
    }

    /** Ends the line with a summary. */
    public synchronized void done(String summary) {
        String line = String.format(Locale.ROOT, "  %-28s %s", label, summary);
        OUT.println("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        OUT.flush();
    }
}
