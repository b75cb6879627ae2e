package dev.agentlog.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds the architecture's lines that the build alone does not: a module's {@code internal} packages are
 * its own (other modules and the app use its public API), the events module imports nothing of ours, and
 * HTTP is served by one library (Jetty), not also by the JDK's built-in HTTP server.
 * That ingest, processor and sink never depend on each other is held by their poms.
 */
class ModuleBoundariesTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(dev\\.agentlog\\.(\\w+)(?:\\.[\\w.]+)?);", Pattern.MULTILINE);

    @Test
    void shouldUseAnotherModulesInternalsNowhere() throws IOException {
        for (String module : List.of("events", "ingest", "processor", "sink", "app")) {
            for (Path file : javaFiles(ROOT.resolve(module).resolve("src/main/java"))) {
                var imports = IMPORT.matcher(Files.readString(file));
                while (imports.find()) {
                    String imported = imports.group(1);
                    String owner = imports.group(2);
                    if (imported.contains(".internal.")) {
                        assertThat(owner).as(file + " imports " + imported).isEqualTo(module);
                    }
                }
            }
        }
    }

    @Test
    void shouldKeepTheEventsModuleFreeOfTheOthers() throws IOException {
        for (Path file : javaFiles(ROOT.resolve("events/src/main/java"))) {
            var imports = IMPORT.matcher(Files.readString(file));
            while (imports.find()) {
                assertThat(imports.group(2)).as(file + " imports " + imports.group(1)).isEqualTo("events");
            }
        }
    }

    @Test
    void shouldServeHttpOnJettyOnlyNeverOnTheJdksHttpServer() throws IOException {
        for (String module : List.of("events", "ingest", "processor", "sink", "app", "bench")) {
            for (Path file : javaFiles(ROOT.resolve(module).resolve("src"))) {
                assertThat(Files.readString(file)).as(file.toString()).doesNotContain("com.sun.net" + ".httpserver");
            }
        }
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }
}
