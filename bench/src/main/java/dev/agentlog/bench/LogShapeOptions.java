package dev.agentlog.bench;

import picocli.CommandLine.Option;

/** The shape of the generated Letta-like log and of its topics, the same in every benchmark (its length is each's). */
final class LogShapeOptions {
    @Option(names = "--agents", defaultValue = "1000", paramLabel = "N",
            description = "Agents the log's turns are spread over (default: ${DEFAULT-VALUE}).")
    int agents;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the generated log (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--partitions", defaultValue = "12", paramLabel = "N",
            description = "Partitions of every topic, as `agentlog up` makes them (default: ${DEFAULT-VALUE}).")
    int partitions;
}
