package dev.agentlog.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of docs/benchmarks.md that one command or one person writes and the others keep: {@code agentlog-bench
 * ingest} writes its section between two marker comments, and so may a hand-written comparison of runs (such as
 * a before-and-after of a change); {@code sink} and {@code compare}, which rewrite the whole file, carry every such
 * section over from the file they replace. A section goes before "## Method" the first time, and stays where it is
 * after that.
 */
public final class ReportSections {
    /** The name of the section {@code agentlog-bench ingest} writes. */
    public static final String INGEST = "agentlog-bench ingest";
    public static final String INGEST_BEGIN = begin(INGEST);
    public static final String INGEST_END = end(INGEST);
    private static final String METHOD = "\n## Method\n";
    private static final Pattern KEPT = Pattern.compile(
            "<!-- begin: written by ([^;>]+); sink and compare keep it -->.*?<!-- end: \\1 -->", Pattern.DOTALL);

    private ReportSections() {}

    /** The marker a kept section named {@code name} starts with. */
    public static String begin(String name) {
        return "<!-- begin: written by " + name + "; sink and compare keep it -->";
    }

    /** The marker a kept section named {@code name} ends with. */
    public static String end(String name) {
        return "<!-- end: " + name + " -->";
    }

    /** The ingest section of {@code doc}, markers included; null when there is none. */
    public static String section(String doc) {
        return sections(doc).get(INGEST);
    }

    /** Every kept section of {@code doc} by name, in the order they stand, markers included. */
    public static Map<String, String> sections(String doc) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = KEPT.matcher(doc);
        while (m.find()) {
            out.put(m.group(1), m.group());
        }
        return out;
    }

    /**
     * {@code doc} with {@code section} (markers included) in place of its own of the same name, or before its
     * "## Method" when it has none, or at its end when it has neither.
     */
    public static String withSection(String doc, String section) {
        Map<String, String> named = sections(section);
        if (named.size() != 1) {
            throw new IllegalArgumentException("not one kept section between markers: " + section.lines().findFirst().orElse(""));
        }
        String old = sections(doc).get(named.keySet().iterator().next());
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

    /** {@code fresh}, a whole new report, with every kept section {@code file} holds now carried over. */
    public static String keepingSectionOf(Path file, String fresh) throws IOException {
        if (!Files.exists(file)) {
            return fresh;
        }
        String doc = fresh;
        for (String kept : sections(Files.readString(file, StandardCharsets.UTF_8)).values()) {
            doc = withSection(doc, kept);
        }
        return doc;
    }
}
