package dev.agentlog.ingest.testing;

import dev.agentlog.ingest.internal.PemFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority made by the test with {@code openssl} (as an operator would), and certificates it
 * signs: servers for {@code 127.0.0.1} and {@code localhost}, clients; keys in PKCS#8, PKCS#1 or SEC1 form.
 */
public final class TestCertificates {
    /** The PEM form of a private key that openssl writes. */
    public enum KeyForm { PKCS8_RSA, PKCS1_RSA, SEC1_EC }

    /** A certificate and its key, as files. */
    public record Issued(Path certificate, Path key) {}

    private final Path dir;
    private final String name;
    public final Path caCertificate;
    private final Path caKey;
    private int serial;

    private TestCertificates(Path dir, String name) {
        this.dir = dir;
        this.name = name;
        this.caCertificate = dir.resolve(name + "-ca.pem");
        this.caKey = dir.resolve(name + "-ca.key");
    }

    /** A new CA in {@code dir}; {@code name} keeps several CAs apart in one directory. */
    public static TestCertificates authority(Path dir, String name) {
        TestCertificates ca = new TestCertificates(dir, name);
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca.caKey.toString(), "-out",
                ca.caCertificate.toString(), "-days", "2", "-subj", "/CN=agentlog test CA " + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return ca;
    }

    public Issued server(KeyForm form) {
        return issue("server", form, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    }

    public Issued client(String commonName) {
        return issue(commonName, KeyForm.PKCS8_RSA, "extendedKeyUsage=clientAuth\n");
    }

    private Issued issue(String commonName, KeyForm form, String extensions) {
        String base = name + "-" + commonName + "-" + (++serial);
        Path key = dir.resolve(base + ".key");
        Path csr = dir.resolve(base + ".csr");
        Path certificate = dir.resolve(base + ".pem");
        Path extFile = dir.resolve(base + ".ext");
        switch (form) {
            case PKCS8_RSA -> openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
            case PKCS1_RSA -> openssl(dir, "genrsa", "-traditional", "-out", key.toString(), "2048");
            case SEC1_EC -> openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", key.toString());
        }
        openssl(dir, "req", "-new", "-key", key.toString(), "-subj", "/CN=" + commonName, "-out", csr.toString());
        try {
            Files.writeString(extFile, extensions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", caCertificate.toString(), "-CAkey", caKey.toString(),
                "-set_serial", String.valueOf(System.nanoTime()), "-days", "2", "-extfile", extFile.toString(),
                "-out", certificate.toString());
        return new Issued(certificate, key);
    }

    /** A client context that trusts this CA and, when {@code client} is given, presents that certificate. */
    public SSLContext clientContext(Issued client) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", PemFiles.certificates(caCertificate, "ca").get(0));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (client != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                List<X509Certificate> chain = new ArrayList<>(PemFiles.certificates(client.certificate(), "client"));
                keys.setKeyEntry("client", PemFiles.privateKey(client.key(), "client"), "pw".toCharArray(),
                        chain.toArray(X509Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, "pw".toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the client's TLS context", e);
        }
    }

    /** Runs openssl in {@code dir}; fails the test with openssl's output when it fails. */
    public static String openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("openssl is needed for the TLS tests (apt-get install openssl)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
