package dev.agentlog.ingest;

/**
 * A route added to {@link IngestHttpServer} with {@link IngestHttpServer#route}. Runs on one of the
 * server's HTTP threads once the request's body is in; may block (it holds that thread). An exception it
 * throws becomes a 500 whose body says only "internal error" (the details go to the log, not to the
 * client): a handler answers every problem of the request itself with a 4xx.
 */
@FunctionalInterface
public interface RouteHandler {
    ApiResponse handle(ApiRequest request) throws Exception;
}
