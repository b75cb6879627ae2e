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
import java.util.stream.Stream;

/**
 * The architecture as rules over source text, main and test sources alike: which module's code may name which
 * other module's, and that a module's {@code internal} packages are its own. Every reference counts: an import, a
 * static or wildcard import, a fully qualified name in code or in Javadoc (not a name inside a string literal). The poms hold the same graph for the
 * compiler; this also holds the test sources (which a test-jar could otherwise open) and the internal packages
 * (which Maven cannot see).
 */
final class ModuleRules {
    /** Module to the modules its code may name (itself always). */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("support", Set.of()),
            Map.entry("events", Set.of()),
            Map.entry("client", Set.of("events", "support")),
            Map.entry("letta", Set.of("events")),
            Map.entry("workload", Set.of("events")),
            Map.entry("cdc", Set.of("events", "client", "letta", "support")),
            Map.entry("ingest", Set.of("events", "client", "support")),
            Map.entry("processor", Set.of("events", "support")),
            Map.entry("sink", Set.of("events", "support")),
            Map.entry("query", Set.of("events", "sink", "ingest", "support")),
            Map.entry("privacy", Set.of("events", "support")),
            Map.entry("ui", Set.of("events", "ingest")),
            Map.entry("app", Set.of("support", "events", "client", "letta", "cdc", "ingest", "processor", "sink", "query",
                    "privacy", "ui")),
            Map.entry("bench", Set.of("support", "events", "client", "letta", "cdc", "ingest", "processor", "sink", "query",
                    "privacy", "ui", "app", "workload")));

    /**
     * Module to the modules only its tests may name: the workload (a Letta-like log and Letta's schema) is test and
     * bench data, never part of the shipped jar; the sink's tests seal records with the real cipher to prove its
     * opening path (the sink itself knows no cryptography: docs/privacy.md).
     */
    static final Map<String, Set<String>> ALLOWED_IN_TESTS = Map.of("app", Set.of("workload"),
            "processor", Set.of("workload"), "sink", Set.of("workload", "privacy"));

    /**
     * String literals and text blocks: a name in a string is text (a JFR frame filter, a test's input), not a
     * dependency.
     */
    private static final Pattern STRING_LITERAL = Pattern.compile("\"\"\"(?s:.*?)\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"");

    /** {@code dev.agentlog.<module>} and what follows, as far as it is a package or class name. */
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.agentlog\\.(\\w+)((?:\\.\\w+)*)(\\.\\*)?");

    private ModuleRules() {}

    /** Every broken rule under {@code root} (the repository), one line each. */
    static List<String> violations(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        for (String module : ALLOWED.keySet()) {
            Path src = root.resolve(module).resolve("src");
            if (!Files.isDirectory(src)) {
                continue;
            }
            for (Path file : javaFiles(src)) {
                out.addAll(violations(module, root.relativize(file).toString(), Files.readString(file)));
            }
        }
        return out;
    }

    /** The broken rules of one source file of {@code module}. */
    static List<String> violations(String module, String file, String source) {
        List<String> out = new ArrayList<>();
        Matcher m = REFERENCE.matcher(code(source));
        while (m.find()) {
            String named = m.group(1);
            String rest = m.group(2);
            if (!ALLOWED.containsKey(named)) {
                continue; // not a module of ours (e.g. a word in prose)
            }
            String reference = "dev.agentlog." + named + rest + (m.group(3) == null ? "" : ".*");
            boolean inTests = file.replace('\\', '/').contains("/src/test/")
                    && ALLOWED_IN_TESTS.getOrDefault(module, Set.of()).contains(named);
            if (!named.equals(module) && !ALLOWED.get(module).contains(named) && !inTests) {
                out.add(file + ": module " + module + " names module " + named + " (" + reference + ")");
            } else if (!named.equals(module) && (rest + ".").contains(".internal.")) {
                out.add(file + ": module " + module + " names internals of module " + named + " (" + reference + ")");
            }
        }
        return out;
    }

    /** The source without the contents of its string literals and text blocks: what it names, not what it says. */
    static String code(String source) {
        return STRING_LITERAL.matcher(source).replaceAll("\"\"");
    }

    static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }
}
