package dev.agentlog.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentlog.app.crash.ChildProcess;
import dev.agentlog.events.EventCodec;
import dev.agentlog.ingest.ApiKey;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.Scope;
import dev.agentlog.ingest.testing.TestCertificates;
import dev.agentlog.ingest.testing.TestCertificates.Issued;
import dev.agentlog.ingest.testing.TestCertificates.KeyForm;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "TLS on the API" example, as a user runs it: `agentlog ingest` as its own process with a key
 * file and PEM files, against the test broker; curl with the CA posts the README's Letta turn (202), plain HTTP
 * on that port fails, the web UI is served on the same port and TLS (its data refused to a key without state:read),
 * and the key never appears in the process's output.
 */
class IngestTlsCommandTest {
    @Test
    void shouldServeTheReadmeTlsExample(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        TestCertificates ca = TestCertificates.authority(dir, "ca");
        Issued server = ca.server(KeyForm.PKCS1_RSA);
        String key = ApiKeys.newKey();
        Path keys = dir.resolve("api-keys");
        Files.writeString(keys, ApiKeys.keyFileLine(new ApiKey("ci", Set.of(Scope.EVENTS_WRITE), null), key) + "\n");
        int port = freePort();

        try (ChildProcess ingest = ChildProcess.start(dir.resolve("ingest.log"), "ingest",
                "--bootstrap-servers", TestRuntime.get().bootstrapServers(), "--topic-prefix", "clitls", "--partitions", "3",
                "--http-port", String.valueOf(port), "--api-keys-file", keys.toString(),
                "--tls-cert-file", server.certificate().toString(), "--tls-key-file", server.key().toString())) {
            Await.until("agentlog ingest to listen", Duration.ofSeconds(120), ingest::output,
                    out -> out.contains("ingest listening on https://") || !ingest.isAlive());
            assertThat(ingest.isAlive()).as(ingest.output()).isTrue();

            Curl https = curl("--cacert", ca.caCertificate.toString(), "-H", "Authorization: Bearer " + key,
                    "-H", "Content-Type: application/json", "--data-binary", "@" + Path.of("..", "docs", "examples",
                            "letta-turn.json").toAbsolutePath(), "https://127.0.0.1:" + port + "/v1/events");
            Curl plain = curl("http://127.0.0.1:" + port + "/healthz");

            assertThat(https.status()).as(https.body()).isEqualTo("202");
            assertThat(EventCodec.JSON.readTree(https.body()).get("accepted").asInt()).isEqualTo(20);
            assertThat(plain.exitCode()).as("plain HTTP on the TLS port: " + plain.body()).isNotZero();
            // the web UI on the same port and TLS: its page open to all, its data only for a key with state:read
            Curl page = curl("--cacert", ca.caCertificate.toString(), "https://127.0.0.1:" + port + "/ui/");
            assertThat(page.status()).isEqualTo("200");
            assertThat(page.body()).contains("<script type=\"module\" src=\"/ui/app.js\">");
            Curl deadLetters = curl("--cacert", ca.caCertificate.toString(), "-H", "Authorization: Bearer " + key,
                    "https://127.0.0.1:" + port + "/v1/dead-letters");
            assertThat(deadLetters.status()).as(deadLetters.body()).isEqualTo("403");
            assertThat(ingest.output()).doesNotContain(key);
        }
    }

    private record Curl(int exitCode, String status, String body) {}

    private static Curl curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--max-time", "20", "--write-out",
                "\n%{http_code}", "--output", "-"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int newline = output.lastIndexOf('\n');
        return new Curl(process.exitValue(), output.substring(newline + 1), newline < 0 ? "" : output.substring(0, newline));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
