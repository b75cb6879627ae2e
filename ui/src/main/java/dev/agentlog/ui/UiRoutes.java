package dev.agentlog.ui;

import dev.agentlog.ingest.ApiRequest;
import dev.agentlog.ingest.ApiResponse;
import dev.agentlog.ingest.IngestHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The read-only web UI at {@code /ui}: its HTML, CSS and JavaScript modules, shipped in this jar and served as they
 * are (nothing is built: no Node.js). {@code GET /ui} and {@code GET /ui/} answer the page; {@code GET /ui/<file>}
 * one of {@link #FILES}; anything else below {@code /ui} is 404.
 *
 * <p>The files are public (they hold no data: the page asks for a key and sends it with every data request, which
 * needs the {@code state:read} scope). Each answer carries a Content-Security-Policy that lets the page load only
 * its own files and talk only to its own origin, and forbids framing; {@code no-cache} makes a browser revalidate,
 * so a new version of agentlog is picked up at once.
 */
public final class UiRoutes {
    public static final String PATH = "/ui";
    /** Every file of the UI (resources under {@code dev/agentlog/ui/web/}); a test checks the list is complete. */
    public static final List<String> FILES = List.of("index.html", "app.css", "app.js", "api.js", "state.js", "dom.js",
            "agents.js", "agent.js", "timeline.js", "snapshot.js", "block.js", "deadletters.js");
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Map<String, byte[]> files;

    private UiRoutes(Map<String, byte[]> files) {
        this.files = files;
    }

    /** Adds {@code GET /ui/...} to the server, open to all (the data routes it calls need a key). */
    public static void register(IngestHttpServer server) {
        server.publicRoute("GET", PATH, load()::serve);
    }

    /** The files, read once from the jar. */
    static UiRoutes load() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : FILES) {
            try (InputStream in = UiRoutes.class.getResourceAsStream("web/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("the UI file " + name + " is missing from the jar");
                }
                files.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the UI file " + name, e);
            }
        }
        return new UiRoutes(files);
    }

    ApiResponse serve(ApiRequest request) {
        String name = request.path().equals(PATH) || request.path().equals(PATH + "/") ? "index.html"
                : request.pathAfter(PATH + "/");
        byte[] content = files.get(name);
        if (content == null) {
            return ApiResponse.error(404, "no UI file " + request.path() + ": open " + PATH + "/");
        }
        return ApiResponse.file(200, contentType(name), content)
                .withHeader("Cache-Control", "no-cache")
                .withHeader("X-Content-Type-Options", "nosniff")
                .withHeader("Referrer-Policy", "no-referrer")
                .withHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    }

    static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        throw new IllegalArgumentException("no content type for " + name);
    }
}
