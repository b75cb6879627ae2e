package dev.agentlog.sink.replay;

import java.util.Locale;

/**
 * A rebuild's progress as text: a bar that redraws itself on a terminal ({@link #bar}), or a plain line for
 * logs and pipes ({@link #line}). Pure.
 */
public final class ProgressText {
    private ProgressText() {}

    /** {@code [=======>     ]  45%  452,113 / 1,000,000 records  38,210/s  0:14 left  replaying}, no newline. */
    public static String bar(RebuildProgress p, int width) {
        int cells = Math.max(10, width);
        int filled = (int) Math.round(p.fraction() * cells);
        StringBuilder bar = new StringBuilder(cells + 80).append('[');
        for (int i = 0; i < cells; i++) {
            bar.append(i < filled - 1 || filled == cells ? '=' : i == filled - 1 ? '>' : ' ');
        }
        bar.append(']');
        bar.append(String.format(Locale.ROOT, " %3d%%  %,d / %,d records  %,d/s  %s  %s",
                Math.round(p.fraction() * 100), p.recordsRead(), p.recordsEstimate(), Math.round(p.recordsPerSecond()),
                left(p.secondsLeft()), p.phase().label()));
        return bar.toString();
    }

    /** {@code rebuild replaying: 452113 of about 1000000 records (45%), 38210 records/s, about 14 s left}. */
    public static String line(RebuildProgress p) {
        long left = p.secondsLeft();
        return String.format(Locale.ROOT, "rebuild %s: %d of about %d records (%d%%), %d records/s%s", p.phase().label(),
                p.recordsRead(), p.recordsEstimate(), Math.round(p.fraction() * 100), Math.round(p.recordsPerSecond()),
                left < 0 ? "" : ", about " + left + " s left");
    }

    private static String left(long seconds) {
        if (seconds < 0) {
            return "--:-- left";
        }
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d left", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d left", seconds / 60, seconds % 60);
    }
}
