package dev.agentlog.ingest.internal;

import dev.agentlog.ingest.ApiResponse;
import dev.agentlog.ingest.RouteHandler;
import dev.agentlog.ingest.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The HTTP API's routes: a method and a path, exact or a prefix, the scope a key needs (none for a public
 * route) and the handler. The longest matching path with the request's method wins; a path known with other
 * methods is 405 (with {@code Allow}), an unknown one 404 listing the routes. Routes may be added while
 * requests are answered.
 */
public final class Routes {
    private final List<Route> routes = new CopyOnWriteArrayList<>();

    /** @param scope what a key needs to call it, or null for a route anyone may call */
    public record Route(String method, String path, boolean exact, Scope scope, RouteHandler handler) {
        boolean matches(String requestPath) {
            return requestPath.equals(path)
                    || !exact && requestPath.startsWith(path.equals("/") ? path : path + "/");
        }

        /** Whether requests to it carry a body worth reading. */
        public boolean takesBody() {
            return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        }
    }

    /** The route, or the answer when there is none. */
    public record Match(Route route, ApiResponse refusal) {}

    public void add(String method, String path, boolean exact, Scope scope, RouteHandler handler) {
        routes.add(new Route(checkMethod(method), checkPath(path), exact, scope, handler));
    }

    public Match match(String method, String path) {
        Route best = null;
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            if (!route.matches(path)) {
                continue;
            }
            allowed.add(route.method);
            if (route.method.equals(method) && (best == null || route.path.length() > best.path.length())) {
                best = route;
            }
        }
        if (best != null) {
            return new Match(best, null);
        }
        if (!allowed.isEmpty()) {
            return new Match(null, ApiResponse.error(405, printable(method) + " is not allowed on " + path + "; use "
                    + String.join(" or ", allowed)).withHeader("Allow", String.join(", ", allowed)));
        }
        List<String> known = new ArrayList<>();
        for (Route route : routes) {
            known.add(route.method + " " + route.path + (route.exact ? "" : "/..."));
        }
        return new Match(null, ApiResponse.error(404, "no route for " + printable(method) + " " + path
                + "; the routes are: " + String.join(", ", known)));
    }

    /** A method as sent, cut short: it is the client's text, echoed in an answer. */
    private static String printable(String method) {
        return method.length() <= 32 ? method : method.substring(0, 32) + "...";
    }

    private static String checkMethod(String method) {
        if (method == null || !method.matches("[A-Za-z]+")) {
            throw new IllegalArgumentException("route method must be an HTTP method such as GET, was '" + method + "'");
        }
        return method.toUpperCase(Locale.ROOT);
    }

    private static String checkPath(String pathPrefix) {
        if (pathPrefix == null || !pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("route path must start with '/', was '" + pathPrefix + "'");
        }
        return pathPrefix.length() > 1 && pathPrefix.endsWith("/")
                ? pathPrefix.substring(0, pathPrefix.length() - 1) : pathPrefix;
    }
}
