package dev.agentlog.bench.run;

import dev.agentlog.bench.measure.ProcStat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Times calls of a query, one after the other on the calling thread (as one user of the UI or the CLI asks them), and
 * the CPU the bench's JVM and PostgreSQL spent meanwhile.
 */
public final class QueryRun {
    /** One call at one instant; fails when the answer is not the one expected (the bench then stops). */
    @FunctionalInterface
    public interface Call {
        void run(Instant at) throws Exception;
    }

    private QueryRun() {}

    /** {@code count} instants drawn uniformly from {@code [from, to]} with {@code seed}: the same for the same seed. */
    public static List<Instant> instants(long seed, Instant from, Instant to, int count) {
        Random random = new Random(seed);
        long span = Math.max(1, Duration.between(from, to).toNanos() / 1_000);
        List<Instant> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(from.plusNanos(1_000 * (long) (random.nextDouble() * span)));
        }
        return out;
    }

    /** Calls {@code call} once per instant and times each. */
    public static QueryTimings time(String what, BenchEnvironment env, List<Instant> instants, Call call)
            throws Exception {
        long[] nanos = new long[instants.size()];
        long pid = ProcessHandle.current().pid();
        long jvm0 = ProcStat.cpuNanos(pid);
        long pg0 = env.postgresCpuNanos();
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            call.run(instants.get(i));
            nanos[i] = System.nanoTime() - t0;
        }
        return new QueryTimings(what, nanos, ProcStat.cpuNanos(pid) - jvm0, env.postgresCpuNanos() - pg0);
    }

    /**
     * Calls {@code a} and {@code b} once per instant each, alternating which goes first, and times each: two readings
     * compared in one run share the machine's load (the machine may be shared). The CPU read from /proc before and
     * after each call is charged to that call's reading.
     */
    public static QueryTimings[] timeSideBySide(String whatA, String whatB, BenchEnvironment env, List<Instant> instants,
            Call a, Call b) throws Exception {
        long[][] nanos = {new long[instants.size()], new long[instants.size()]};
        long[] jvm = new long[2];
        long[] pg = new long[2];
        long pid = ProcessHandle.current().pid();
        Call[] calls = {a, b};
        for (int i = 0; i < instants.size(); i++) {
            for (int k = 0; k < 2; k++) {
                int which = (i + k) % 2;
                long jvm0 = ProcStat.cpuNanos(pid);
                long pg0 = env.postgresCpuNanos();
                long t0 = System.nanoTime();
                calls[which].run(instants.get(i));
                nanos[which][i] = System.nanoTime() - t0;
                jvm[which] += ProcStat.cpuNanos(pid) - jvm0;
                pg[which] += env.postgresCpuNanos() - pg0;
            }
        }
        return new QueryTimings[] {new QueryTimings(whatA, nanos[0], jvm[0], pg[0]),
                new QueryTimings(whatB, nanos[1], jvm[1], pg[1])};
    }

    /**
     * A GET of {@code path(at)} on a kept-alive HTTP/1.1 connection with the bearer key: the call fails unless the
     * answer is 200.
     */
    public static Call get(HttpClient client, int port, String apiKey, java.util.function.Function<Instant, String> path) {
        return at -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path.apply(at)))
                    .header("Authorization", "Bearer " + apiKey).timeout(Duration.ofSeconds(60)).GET().build();
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + request.uri() + " answered " + response.statusCode() + ": "
                        + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
        };
    }

    /** An HTTP/1.1 client for {@link #get}: one connection, kept alive. */
    public static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }
}
