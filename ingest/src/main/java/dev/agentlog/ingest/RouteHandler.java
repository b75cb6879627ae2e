package dev.agentlog.ingest;

/**
 * A route added to {@link IngestHttpServer} with {@link IngestHttpServer#route}. Runs on one of the
 * server's HTTP threads; may block (it holds that thread). An exception it throws becomes a 500 whose
 * body says only "internal error" (the details go to the log, not to the client).
 */
@FunctionalInterface
public interface RouteHandler {
    ApiResponse handle(ApiRequest request) throws Exception;
}
