package dev.agentlog.bench.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS material of the ingest bench, made as the README's worked example makes it (openssl: a CA of its own and a
 * certificate for 127.0.0.1 signed by it, RSA 3072), and the client side that trusts that CA only.
 *
 * @param caFile   the CA's certificate (PEM)
 * @param certFile the server's certificate (PEM), for {@code --tls-cert-file}
 * @param keyFile  the server's unencrypted key (PEM, PKCS#8), for {@code --tls-key-file}
 */
public record BenchTls(Path caFile, Path certFile, Path keyFile) {
    private static final String EXTENSIONS = "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n";

    /** Makes a CA and a server certificate for 127.0.0.1 in {@code dir} with {@code openssl}. */
    public static BenchTls make(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("api.ext"), EXTENSIONS);
        openssl(dir, "req", "-x509", "-newkey", "rsa:3072", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=agentlog bench CA");
        openssl(dir, "req", "-newkey", "rsa:3072", "-nodes", "-keyout", "api.key", "-out", "api.csr", "-subj",
                "/CN=localhost");
        openssl(dir, "x509", "-req", "-in", "api.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-extfile", "api.ext", "-out", "api.pem");
        return new BenchTls(dir.resolve("ca.pem"), dir.resolve("api.pem"), dir.resolve("api.key"));
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run openssl (" + e.getMessage() + "): the TLS contender needs it to"
                    + " make its certificates; install it (apt-get install -y openssl)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out.trim());
        }
    }

    /** A trust manager that trusts the bench's CA and nothing else. */
    public X509TrustManager trustManager() throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + i++, c);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

    /** The client's TLS context: trusts the bench's CA only. */
    public SSLContext clientContext() throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[] {trustManager()}, null);
        return context;
    }
}
