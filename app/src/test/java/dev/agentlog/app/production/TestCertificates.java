package dev.agentlog.app.production;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made for one test and a server certificate it signed, for 127.0.0.1 and localhost, made
 * with the machine's {@code openssl} and {@code keytool}: PEM files (PostgreSQL, PgBouncer, pgjdbc's sslrootcert)
 * and PKCS12 stores (Kafka's keystore and truststore).
 */
public final class TestCertificates {
    private final Path dir;
    private final String storePassword;

    private TestCertificates(Path dir, String storePassword) {
        this.dir = dir;
        this.storePassword = storePassword;
    }

    /** Makes the CA, the server's key and certificate and the stores in {@code dir}. */
    public static TestCertificates create(Path dir, String storePassword) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        TestCertificates certificates = new TestCertificates(dir, storePassword);
        certificates.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "2", "-subj", "/CN=agentlog test CA");
        certificates.run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=localhost");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        certificates.run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "san.ext");
        certificates.run("openssl", "pkcs12", "-export", "-in", "server.crt", "-inkey", "server.key", "-certfile", "ca.crt",
                "-out", "server.p12", "-name", "server", "-passout", "pass:" + storePassword);
        certificates.run("keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore", "ca.p12",
                "-storetype", "PKCS12", "-storepass", storePassword);
        return certificates;
    }

    /** Where the files are. */
    public Path dir() {
        return dir;
    }

    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    public Path serverCertificate() {
        return dir.resolve("server.crt");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    /** The server's key and certificate chain, PKCS12. */
    public Path serverKeystore() {
        return dir.resolve("server.p12");
    }

    /** The CA's certificate, PKCS12. */
    public Path truststore() {
        return dir.resolve("ca.p12");
    }

    public String storePassword() {
        return storePassword;
    }

    private void run(String... command) throws IOException, InterruptedException {
        Path log = dir.resolve("commands.log");
        Process process = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + Files.readString(log));
        }
    }
}
