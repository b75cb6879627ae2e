package dev.agentlog.bench.run;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS material of the ingest bench, made as the README's worked example makes it (openssl: a CA of its own and a
 * certificate for 127.0.0.1 signed by it, RSA 3072), and the client side that trusts that CA only. The client counts
 * the TLS handshakes it completes, so the report can say that the connections were kept alive.
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

    /** The handshakes a client completed: how many, and the protocol and cipher suite of the last. */
    public static final class Handshakes {
        private final AtomicLong count = new AtomicLong();
        private volatile String last = "none";

        public long count() {
            return count.get();
        }

        /** Such as "TLSv1.3, TLS_AES_256_GCM_SHA384". */
        public String last() {
            return last;
        }

        void completed(javax.net.ssl.SSLSession session) {
            last = session.getProtocol() + ", " + session.getCipherSuite();
            count.incrementAndGet();
        }
    }

    /** The client's socket factory: trusts the bench's CA only, counts completed handshakes in {@code handshakes}. */
    public SSLSocketFactory clientSocketFactory(Handshakes handshakes) throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[] {trustManager()}, null);
        return new Counting(context.getSocketFactory(), handshakes);
    }

    /** Delegates to the JDK's factory and counts every handshake its sockets complete. */
    private static final class Counting extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final Handshakes handshakes;

        Counting(SSLSocketFactory delegate, Handshakes handshakes) {
            this.delegate = delegate;
            this.handshakes = handshakes;
        }

        private Socket counted(Socket socket) {
            if (socket instanceof SSLSocket ssl) {
                ssl.addHandshakeCompletedListener(event -> handshakes.completed(event.getSession()));
            }
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return counted(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return counted(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return counted(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return counted(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return counted(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return counted(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
