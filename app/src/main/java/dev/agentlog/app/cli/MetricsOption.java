package dev.agentlog.app.cli;

import picocli.CommandLine.Option;

/** Where a part without an HTTP API of its own serves /metrics. */
public final class MetricsOption {
    @Option(names = "--metrics-port", defaultValue = "-1", paramLabel = "PORT",
            description = "Port for /metrics and /healthz of a standalone processor or sink (-1 = off, 0 = any free port).")
    public int port;

    @Option(names = "--metrics-host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address of the /metrics endpoint of a standalone processor or sink.")
    public String host;
}
