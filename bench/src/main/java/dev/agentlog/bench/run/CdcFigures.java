package dev.agentlog.bench.run;

/** Source-commit-to-row-visible latency through change-data capture. */
public record CdcFigures(int changes, int notVisible, double p50Millis, double p99Millis, double maxMillis, String how) {}
