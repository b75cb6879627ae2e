package dev.agentlog.bench.run;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Watches a contender's log file for a line saying it has given up, reading only what was appended since. */
final class LogWatch {
    private final Path file;
    private final String marker;
    private long read;
    private String found;

    LogWatch(Path file, String marker) {
        this.file = file;
        this.marker = marker;
    }

    /** The first line holding the marker so far, or null. */
    String failure() throws IOException {
        if (found != null || !file.toFile().exists()) {
            return found;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            if (length <= read) {
                return null;
            }
            byte[] bytes = new byte[(int) Math.min(length - read, 8 << 20)];
            f.seek(read);
            f.readFully(bytes);
            read += bytes.length;
            String text = new String(bytes, StandardCharsets.UTF_8);
            int at = text.indexOf(marker);
            if (at >= 0) {
                int start = text.lastIndexOf('\n', at) + 1;
                int end = text.indexOf('\n', at);
                found = text.substring(start, end < 0 ? text.length() : end);
                int cause = text.indexOf("Caused by:", at);
                if (cause >= 0) {
                    int causeEnd = text.indexOf('\n', cause);
                    found += " ... " + text.substring(cause, causeEnd < 0 ? text.length() : causeEnd);
                }
            }
        }
        return found;
    }
}
