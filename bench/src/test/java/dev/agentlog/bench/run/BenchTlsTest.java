package dev.agentlog.bench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's certificates made with the real openssl, and a real handshake against a server that uses them. */
class BenchTlsTest {
    @Test
    void shouldTrustTheServerCertificateItMadeForTheAddress(@TempDir Path dir) throws Exception {
        BenchTls tls = BenchTls.make(dir);
        javax.net.ssl.SSLParameters checkName = new javax.net.ssl.SSLParameters();
        checkName.setEndpointIdentificationAlgorithm("HTTPS"); // as an HTTPS client does: the certificate must name 127.0.0.1

        try (SSLServerSocket server = server(tls.certFile(), tls.keyFile())) {
            CompletableFuture<Void> accepted = acceptOne(server);
            try (SSLSocket client = (SSLSocket) tls.clientContext().getSocketFactory().createSocket("127.0.0.1",
                    server.getLocalPort())) {
                client.setSSLParameters(checkName);
                client.startHandshake();
                assertThat(client.getSession().getProtocol()).startsWith("TLSv1.");
                client.getOutputStream().write(1);
                client.getOutputStream().flush();
            }
            accepted.get();
        }

    }

    @Test
    void shouldRefuseAServerWhoseCertificateTheCaDidNotSign(@TempDir Path dir) throws Exception {
        BenchTls tls = BenchTls.make(dir.resolve("bench"));
        BenchTls other = BenchTls.make(dir.resolve("other"));

        try (SSLServerSocket server = server(other.certFile(), other.keyFile())) {
            acceptOne(server);
            try (SSLSocket client = (SSLSocket) tls.clientContext().getSocketFactory().createSocket("127.0.0.1",
                    server.getLocalPort())) {
                assertThatThrownBy(client::startHandshake).isInstanceOf(SSLHandshakeException.class);
            }
        }
    }

    @Test
    void shouldPostOverHttpsOnTheLoadGeneratorsConnection(@TempDir Path dir) throws Exception {
        BenchTls tls = BenchTls.make(dir);

        try (SSLServerSocket server = server(tls.certFile(), tls.keyFile())) {
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    InputStream in = s.getInputStream();
                    while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n{}")) {
                        b.write(in.read());
                    }
                    s.getOutputStream().write("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    return b.toString(StandardCharsets.ISO_8859_1);
                } catch (Exception e) {
                    return e.toString();
                }
            });
            KeptAliveConnection c = new KeptAliveConnection("127.0.0.1", server.getLocalPort(), tls.clientContext());
            byte[] request = "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}"
                    .getBytes(StandardCharsets.ISO_8859_1);

            assertThat(c.exchange(request).status()).isEqualTo(202);
            assertThat(c.tlsSession()).startsWith("TLSv1.");
            assertThat(received.get()).startsWith("POST /v1/events HTTP/1.1");
            c.close();
        }
    }

    private static CompletableFuture<Void> acceptOne(SSLServerSocket server) {
        return CompletableFuture.runAsync(() -> {
            try (SSLSocket s = (SSLSocket) server.accept()) {
                s.getInputStream().read();
            } catch (Exception e) {
                // the refused client's handshake fails on this side too
            }
        });
    }

    /** A TLS server socket with the PEM certificate and PKCS#8 key openssl wrote. */
    private static SSLServerSocket server(Path certFile, Path keyFile) throws Exception {
        Certificate[] chain;
        try (InputStream in = Files.newInputStream(certFile)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(new Certificate[0]);
        }
        String pem = Files.readString(keyFile).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, new char[0], chain);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 5,
                java.net.InetAddress.getLoopbackAddress());
    }
}
