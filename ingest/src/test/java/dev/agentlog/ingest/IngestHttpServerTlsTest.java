package dev.agentlog.ingest;

import static dev.agentlog.ingest.Fixtures.KEY;
import static dev.agentlog.ingest.Fixtures.validEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentlog.ingest.Fixtures.Reply;
import dev.agentlog.ingest.testing.TestCertificates;
import dev.agentlog.ingest.testing.TestCertificates.Issued;
import dev.agentlog.ingest.testing.TestCertificates.KeyForm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTPS on the API with certificates the test makes with openssl: every PEM key form, curl with the CA, plain
 * HTTP refused on the TLS port, and client certificates when a client CA is set.
 */
class IngestHttpServerTlsTest {
    @TempDir
    static Path dir;
    static TestCertificates ca;
    static TestCertificates rogue;
    static Issued server;
    private IngestHttpServer running;

    @BeforeAll
    static void makeCertificates() {
        ca = TestCertificates.authority(dir, "ca");
        rogue = TestCertificates.authority(dir, "rogue");
        server = ca.server(KeyForm.PKCS8_RSA);
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    private int start(TlsSettings tls) {
        running = Fixtures.startWithMockKafka(Fixtures.smallSettings().withTls(tls));
        return running.port();
    }

    private static Reply post(SSLContext context, String scheme, int port) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + "/v1/events"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(validEvent("e-tls").toString())).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body(), response.headers().map());
    }

    @ParameterizedTest
    @EnumSource(KeyForm.class)
    void shouldTakeEventsOverHttpsWithAServerKeyInEachPemForm(KeyForm form) throws Exception {
        Issued issued = ca.server(form);
        int port = start(new TlsSettings(issued.certificate(), issued.key(), null));

        Reply reply = post(ca.clientContext(null), "https", port);

        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    }

    @Test
    void shouldAnswerCurlThatTrustsTheCaAndFailCurlThatDoesNot() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        int port = start(new TlsSettings(server.certificate(), server.key(), null));
        Path body = dir.resolve("event.json");
        Files.writeString(body, validEvent("e-curl").toString());
        String url = "https://127.0.0.1:" + port + "/v1/events";

        CurlResult trusted = curl("--cacert", ca.caCertificate.toString(), "-H", "Authorization: Bearer " + KEY,
                "-H", "Content-Type: application/json", "--data-binary", "@" + body, url);
        CurlResult untrusted = curl("-H", "Authorization: Bearer " + KEY, "--data-binary", "@" + body, url);

        assertThat(trusted.output()).startsWith("202 ");
        assertThat(trusted.output()).contains("\"accepted\":1");
        assertThat(untrusted.exitCode()).as("curl without the CA: certificate problem").isEqualTo(60);
    }

    @Test
    void shouldFailPlainHttpOnTheTlsPort() {
        int port = start(new TlsSettings(server.certificate(), server.key(), null));

        assertThatThrownBy(() -> post(ca.clientContext(null), "http", port)).isInstanceOf(IOException.class);
    }

    @Test
    void shouldRequireAClientCertificateSignedByTheClientCaWhenOneIsSet() throws Exception {
        int port = start(new TlsSettings(server.certificate(), server.key(), ca.caCertificate));

        assertThat(post(ca.clientContext(ca.client("ci-runner")), "https", port).status()).isEqualTo(202);
        assertThatThrownBy(() -> post(ca.clientContext(null), "https", port))
                .as("no client certificate").isInstanceOf(IOException.class);
        assertThatThrownBy(() -> post(ca.clientContext(rogue.client("intruder")), "https", port))
                .as("a client certificate of another CA").isInstanceOf(IOException.class);
    }

    @Test
    void shouldStillWantAnApiKeyBehindAClientCertificate() throws Exception {
        int port = start(new TlsSettings(server.certificate(), server.key(), ca.caCertificate));
        HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext(ca.client("ci-runner"))).build();

        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                + "/v1/events")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void shouldRefuseAKeyOfAnotherCertificateNamingTheOption() {
        Issued other = ca.server(KeyForm.SEC1_EC);

        assertThatThrownBy(() -> new TlsSettings(server.certificate(), other.key(), null).verify())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--tls-key-file: the key in " + other.key() + " does not belong to the first "
                        + "certificate of " + server.certificate());
    }

    @Test
    void shouldRefuseFilesThatHoldNoCertificateOrNoKeyOrAnEncryptedKey() throws Exception {
        Path encrypted = dir.resolve("encrypted.key");
        TestCertificates.openssl(dir, "pkcs8", "-topk8", "-in", server.key().toString(), "-out", encrypted.toString(),
                "-passout", "pass:secret");

        assertThatThrownBy(() -> new TlsSettings(server.key(), server.key(), null).verify())
                .hasMessage("--tls-cert-file: " + server.key() + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        assertThatThrownBy(() -> new TlsSettings(server.certificate(), server.certificate(), null).verify())
                .hasMessageStartingWith("--tls-key-file: " + server.certificate() + " holds no PEM private key");
        assertThatThrownBy(() -> new TlsSettings(server.certificate(), encrypted, null).verify())
                .hasMessageStartingWith("--tls-key-file: " + encrypted + " holds an encrypted private key");
        assertThatThrownBy(() -> new TlsSettings(server.certificate(), dir.resolve("missing.key"), null).verify())
                .hasMessage("--tls-key-file: " + dir.resolve("missing.key") + " is not a file");
    }

    private record CurlResult(int exitCode, String output) {}

    /** curl, printing the status and the body: "202 {...}". */
    private static CurlResult curl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "--silent", "--max-time", "20",
                "--write-out", "%{http_code} ", "--output", "-"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // --write-out comes after the body: move the status to the front
        String status = output.length() >= 4 ? output.substring(output.length() - 4).trim() : output;
        return new CurlResult(process.exitValue(), status + " " + output.substring(0, Math.max(0, output.length() - 4)));
    }
}
