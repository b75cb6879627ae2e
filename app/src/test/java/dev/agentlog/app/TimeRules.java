package dev.agentlog.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One source of time, as a rule over the shipped modules' main sources: outside {@code support}, nothing sleeps or
 * parks a thread (waits go through a {@code Sleeper}, in a {@code Retry} or a {@code Poll}) and nothing reads the
 * wall clock by itself ({@code Time}, or the {@code Clock} it gives). {@code System.nanoTime()} stays allowed as a
 * stopwatch for log lines and metrics; a deadline a test must control takes a {@code Time}. Comments and string
 * literals do not count.
 */
final class TimeRules {
    /** What is forbidden, and what to use instead. */
    static final Map<Pattern, String> FORBIDDEN = Map.of(
            Pattern.compile("\\bThread\\.sleep\\s*\\("), "a Sleeper (in a Retry or a Poll)",
            Pattern.compile("\\bTimeUnit\\.\\w+\\.sleep\\s*\\("), "a Sleeper (in a Retry or a Poll)",
            Pattern.compile("\\bLockSupport\\.park"), "a Sleeper (in a Retry or a Poll)",
            Pattern.compile("\\bSystem\\.currentTimeMillis\\s*\\("), "Time.currentTimeMillis()",
            Pattern.compile("\\bClock\\.system\\w*\\s*\\("), "Time.clock()",
            Pattern.compile("\\b(?:Instant|OffsetDateTime|ZonedDateTime|LocalDateTime|LocalDate|LocalTime)\\.now\\s*\\(\\s*\\)"),
            "Time.instant(), or now(time.clock())");

    /** Where waiting and the clocks are implemented, and what is not shipped. */
    static final Set<String> EXEMPT = Set.of("support", "bench");

    private static final Pattern COMMENTS_AND_STRINGS = Pattern.compile(
            "/\\*(?s:.*?)\\*/|//[^\\n]*|\"\"\"(?s:.*?)\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])*'");

    private TimeRules() {}

    /** Every broken rule in the main sources under {@code root} (the repository), one line each. */
    static List<String> violations(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        for (String module : ModuleRules.ALLOWED.keySet()) {
            Path main = root.resolve(module).resolve("src").resolve("main");
            if (EXEMPT.contains(module) || !Files.isDirectory(main)) {
                continue;
            }
            for (Path file : ModuleRules.javaFiles(main)) {
                out.addAll(violations(root.relativize(file).toString(), Files.readString(file)));
            }
        }
        return out;
    }

    /** The broken rules of one source file. */
    static List<String> violations(String file, String source) {
        String code = COMMENTS_AND_STRINGS.matcher(source).replaceAll("\"\"");
        List<String> out = new ArrayList<>();
        for (Map.Entry<Pattern, String> rule : FORBIDDEN.entrySet()) {
            Matcher m = rule.getKey().matcher(code);
            while (m.find()) {
                out.add(file + ": " + m.group() + " (use " + rule.getValue() + " of dev.agentlog.support.time)");
            }
        }
        return out;
    }
}
