package dev.agentlog.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The part of docs/benchmarks.md that one command writes and the others keep: {@code agentlog-bench ingest} writes
 * its section between two marker comments; {@code sink} and {@code compare}, which rewrite the whole file, carry that
 * section over from the file they replace. A section goes before "## Method" the first time, and stays where it is
 * after that.
 */
public final class ReportSections {
    public static final String INGEST_BEGIN = "<!-- begin: written by agentlog-bench ingest; sink and compare keep it -->";
    public static final String INGEST_END = "<!-- end: agentlog-bench ingest -->";
    private static final String METHOD = "\n## Method\n";

    private ReportSections() {}

    /** The section of {@code doc} between the markers, markers included; null when there is none. */
    public static String section(String doc) {
        int begin = doc.indexOf(INGEST_BEGIN);
        int end = doc.indexOf(INGEST_END, begin < 0 ? 0 : begin);
        if (begin < 0 || end < 0) {
            return null;
        }
        return doc.substring(begin, end + INGEST_END.length());
    }

    /**
     * {@code doc} with {@code section} (markers included) in place of its own, or before its "## Method" when it has
     * none, or at its end when it has neither.
     */
    public static String withSection(String doc, String section) {
        String old = section(doc);
        if (old != null) {
            return doc.replace(old, section);
        }
        int method = doc.indexOf(METHOD);
        if (method >= 0) {
            return doc.substring(0, method + 1) + section + "\n\n" + doc.substring(method + 1);
        }
        return doc + (doc.isEmpty() || doc.endsWith("\n\n") ? "" : doc.endsWith("\n") ? "\n" : "\n\n") + section + "\n";
    }

    /** Writes {@code section} into the file (made when missing), keeping everything else in it. */
    public static void writeInto(Path file, String section) throws IOException {
        String doc = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        Files.writeString(file, withSection(doc, section), StandardCharsets.UTF_8);
    }

    /** {@code fresh}, a whole new report, with the section {@code file} holds now carried over; {@code fresh} when none. */
    public static String keepingSectionOf(Path file, String fresh) throws IOException {
        if (!Files.exists(file)) {
            return fresh;
        }
        String kept = section(Files.readString(file, StandardCharsets.UTF_8));
        return kept == null ? fresh : withSection(fresh, kept);
    }
}
