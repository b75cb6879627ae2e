package dev.agentlog.bench.run;

import java.util.Arrays;
import java.util.List;

/**
 * One contender at one load over every round of the ingest bench: the rounds' samples pooled (percentiles of all their
 * requests together), and each round's own figures beside them, whose spread is the noise a difference between
 * contenders must exceed to count.
 *
 * @param rounds the samples, one per round, in round order
 */
public record IngestFigures(String contender, int rate, List<IngestSample> rounds) {
    /** The percentiles compared between contenders. */
    public static final double[] COMPARED = {0.50, 0.90, 0.99};

    public IngestFigures {
        if (rounds.isEmpty() || rounds.stream().anyMatch(s -> !s.contender().equals(contender) || s.rate() != rate)) {
            throw new IllegalArgumentException("samples of " + contender + " at " + rate + " events/s expected: " + rounds);
        }
        rounds = List.copyOf(rounds);
    }

    /** Groups samples by contender and rate, in the order of {@code contenders} within each rate of {@code rates}. */
    public static List<IngestFigures> of(List<IngestSample> samples, List<String> contenders, List<Integer> rates) {
        List<IngestFigures> out = new java.util.ArrayList<>();
        for (int rate : rates) {
            for (String contender : contenders) {
                List<IngestSample> mine = samples.stream().filter(s -> s.contender().equals(contender) && s.rate() == rate)
                        .sorted(java.util.Comparator.comparingInt(IngestSample::round)).toList();
                if (!mine.isEmpty()) {
                    out.add(new IngestFigures(contender, rate, mine));
                }
            }
        }
        return out;
    }

    public int batchSize() {
        return rounds.get(0).batchSize();
    }

    /** Every round's request acks, sorted. */
    public long[] pooledAcks() {
        return pooled(rounds.stream().map(IngestSample::requestAckNanos).toList());
    }

    /** Every round's ack-to-row latencies, sorted. */
    public long[] pooledAckToRow() {
        return pooled(rounds.stream().map(IngestSample::ackToRowNanos).toList());
    }

    private static long[] pooled(List<long[]> parts) {
        long[] all = new long[parts.stream().mapToInt(a -> a.length).sum()];
        int at = 0;
        for (long[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        Arrays.sort(all);
        return all;
    }

    public double ackMillis(double quantile) {
        return Percentiles.millis(pooledAcks(), quantile);
    }

    public double ackMaxMillis() {
        return Percentiles.max(pooledAcks());
    }

    public int requests() {
        return rounds.stream().mapToInt(s -> s.requestAckNanos().length).sum();
    }

    public long ackedEvents() {
        return rounds.stream().mapToLong(IngestSample::ackedEvents).sum();
    }

    public double ackedPerSecond() {
        return ackedEvents() / rounds.stream().mapToDouble(IngestSample::seconds).sum();
    }

    public int failed() {
        return rounds.stream().mapToInt(IngestSample::failed).sum();
    }

    public int notVisible() {
        return rounds.stream().mapToInt(IngestSample::notVisible).sum();
    }

    /** Connections opened during the measured parts. */
    public int connectionsOpened() {
        return rounds.stream().mapToInt(IngestSample::connectionsOpened).sum();
    }

    /** Connections the kernel dropped for a full accept queue during the loads (machine-wide). */
    public long listenDrops() {
        return rounds.stream().mapToLong(s -> Math.max(0, s.listenDrops())).sum();
    }

    /** The ingest JVM's CPU per acknowledged event over the measured parts, in microseconds; NaN when unknown. */
    public double cpuMicrosPerEvent() {
        if (rounds.stream().anyMatch(s -> s.ingestCpuNanos() < 0) || ackedEvents() == 0) {
            return Double.NaN;
        }
        return rounds.stream().mapToLong(IngestSample::ingestCpuNanos).sum() / 1e3 / ackedEvents();
    }

    /** The quantile of each round on its own, in round order. */
    public double[] perRound(double quantile) {
        return rounds.stream().mapToDouble(s -> s.ackMillis(quantile)).toArray();
    }

    /** How far apart the rounds' own values of this quantile are (largest minus smallest), in milliseconds. */
    public double spread(double quantile) {
        double[] v = perRound(quantile);
        return Arrays.stream(v).max().orElse(Double.NaN) - Arrays.stream(v).min().orElse(Double.NaN);
    }

    /**
     * This contender against {@code baseline} at one quantile: the pooled difference, and the noise it is read against,
     * the larger spread of the two between their own rounds.
     */
    public Difference against(IngestFigures baseline, double quantile) {
        if (baseline.rate != rate) {
            throw new IllegalArgumentException("compared at different rates: " + rate + " and " + baseline.rate);
        }
        return new Difference(quantile, ackMillis(quantile) - baseline.ackMillis(quantile),
                Math.max(spread(quantile), baseline.spread(quantile)));
    }

    /**
     * A difference in ack latency at one quantile.
     *
     * @param millis positive: slower than the baseline
     * @param noiseMillis the larger between-round spread of the two contenders at this quantile
     */
    public record Difference(double quantile, double millis, double noiseMillis) {
        /** Slower than the baseline by more than the rounds differ among themselves. */
        public boolean worseBeyondNoise() {
            return millis > noiseMillis;
        }
    }
}
