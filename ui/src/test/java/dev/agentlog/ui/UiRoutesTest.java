package dev.agentlog.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.ingest.ApiRequest;
import dev.agentlog.ingest.ApiResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The UI's files: each is served with its type and the security headers; nothing else is; the list is complete. */
class UiRoutesTest {
    private static final Path WEB = Path.of("src/main/resources/dev/agentlog/ui/web");
    private final UiRoutes routes = UiRoutes.load();

    private ApiResponse get(String path) {
        return routes.serve(new ApiRequest("GET", path, Map.of(), Map.of(), null, null));
    }

    @Test
    void shouldServeThePageAtUiAndUiSlashAndEachFileWithItsType() {
        for (String path : List.of("/ui", "/ui/", "/ui/index.html")) {
            ApiResponse page = get(path);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.contentType()).isEqualTo("text/html; charset=utf-8");
            assertThat(new String(page.content(), StandardCharsets.UTF_8)).contains("<script type=\"module\"");
        }
        assertThat(get("/ui/app.css").contentType()).startsWith("text/css");
        assertThat(get("/ui/app.js").contentType()).startsWith("text/javascript");
    }

    @Test
    void shouldSendAPolicyThatKeepsThePageToItsOwnFilesAndOrigin() {
        ApiResponse page = get("/ui/");
        assertThat(page.headers()).containsEntry("X-Content-Type-Options", "nosniff")
                .containsEntry("Cache-Control", "no-cache");
        assertThat(page.headers().get("Content-Security-Policy")).contains("script-src 'self'", "connect-src 'self'",
                "frame-ancestors 'none'");
    }

    @Test
    void shouldAnswer404ForAnythingButItsFiles() {
        for (String path : List.of("/ui/missing.js", "/ui/../pom.xml", "/ui/web/app.js", "/ui/UiRoutes.class",
                "/ui/index.html/x")) {
            ApiResponse answer = get(path);
            assertThat(answer.status()).as(path).isEqualTo(404);
            assertThat(answer.isFile()).isFalse();
        }
    }

    @Test
    void shouldListEveryFileOfTheUiAndEveryModuleTheScriptsImport() throws IOException {
        try (Stream<Path> files = Files.list(WEB)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrderElementsOf(UiRoutes.FILES);
        }
        Pattern imports = Pattern.compile("from \"\\./([\\w.-]+)\"|import\\(\"\\./([\\w.-]+)\"\\)|(?:src|href)=\"/ui/([\\w.-]+)\"");
        for (String name : UiRoutes.FILES) {
            Matcher m = imports.matcher(Files.readString(WEB.resolve(name)));
            while (m.find()) {
                String target = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                assertThat(UiRoutes.FILES).as(name + " names " + target).contains(target);
            }
        }
    }
}
