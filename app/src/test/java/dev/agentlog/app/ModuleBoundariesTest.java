package dev.agentlog.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds the architecture ({@link ModuleRules}): the module graph of the README, the internal packages, and that HTTP
 * is served by one library (Jetty), not also by the JDK's built-in HTTP server. The rules' own test shows each kind of
 * reference failing.
 */
class ModuleBoundariesTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void shouldKeepEveryModuleToTheModulesItMayUseAndToTheirPublicApi() throws IOException {
        assertThat(ModuleRules.violations(ROOT)).isEmpty();
    }

    @Test
    void shouldReportEachKindOfReferenceThatBreaksARule() {
        assertThat(ModuleRules.violations("sink", "Fold.java", "import dev.agentlog.ingest.ApiKeys;"))
                .containsExactly("Fold.java: module sink names module ingest (dev.agentlog.ingest.ApiKeys)");
        assertThat(ModuleRules.violations("processor", "T.java", "import dev.agentlog.sink.*;"))
                .as("a wildcard import").hasSize(1);
        assertThat(ModuleRules.violations("events", "E.java", "import static dev.agentlog.client.AgentlogClient.builder;"))
                .as("a static import").hasSize(1);
        assertThat(ModuleRules.violations("client", "C.java", "var x = new dev.agentlog.sink.SinkCore(null);"))
                .as("a fully qualified name in code").hasSize(1);
        assertThat(ModuleRules.violations("letta", "L.java", "/** {@link dev.agentlog.cdc.LettaCdc} */"))
                .as("a name in Javadoc").hasSize(1);
        assertThat(ModuleRules.violations("app", "A.java", "import dev.agentlog.sink.internal.BatchApplier;"))
                .containsExactly("A.java: module app names internals of module sink (dev.agentlog.sink.internal.BatchApplier)");
        assertThat(ModuleRules.violations("query", "Q.java", "import dev.agentlog.sink.fold.Tables;")).isEmpty();
        assertThat(ModuleRules.violations("cdc", "D.java", "import dev.agentlog.cdc.internal.LagMonitor;"))
                .as("its own internals").isEmpty();
        assertThat(ModuleRules.violations("bench", "B.java", "String frames = \"dev.agentlog.sink.internal\";"))
                .as("a name inside a string literal is text").isEmpty();
        assertThat(ModuleRules.violations("app", "app/src/main/java/W.java", "import dev.agentlog.workload.LettaWorkload;"))
                .as("test data in the shipped code").hasSize(1);
        assertThat(ModuleRules.violations("app", "app/src/test/java/W.java", "import dev.agentlog.workload.LettaWorkload;"))
                .as("test data in the tests").isEmpty();
    }

    @Test
    void shouldServeHttpOnJettyOnlyNeverOnTheJdksHttpServer() throws IOException {
        for (String module : ModuleRules.ALLOWED.keySet()) {
            Path src = ROOT.resolve(module).resolve("src");
            if (!Files.isDirectory(src)) {
                continue;
            }
            for (Path file : javaFiles(src)) {
                assertThat(ModuleRules.code(Files.readString(file))).as(file.toString())
                        .doesNotContain("com.sun.net" + ".httpserver");
            }
        }
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }
}
