package dev.agentlog.ingest.internal;

import dev.agentlog.ingest.TlsSettings;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The one place where TLS settings become Jetty's {@link SslContextFactory.Server} (as Kafka Connect's
 * {@code SSLUtils} does for its REST server): the PEM files go into in-memory key and trust stores, whose
 * passwords are random and never leave this process. Protocols and cipher suites are the JDK's and Jetty's
 * defaults (TLS 1.2 and 1.3; old protocols and weak suites excluded).
 */
public final class ServerTls {
    private ServerTls() {}

    public static SslContextFactory.Server contextFactory(TlsSettings settings) {
        settings.verify();
        List<X509Certificate> chain = PemFiles.certificates(settings.certFile(), "--tls-cert-file");
        PrivateKey key = PemFiles.privateKey(settings.keyFile(), "--tls-key-file");
        String password = randomPassword();
        SslContextFactory.Server factory = new SslContextFactory.Server();
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("agentlog", key, password.toCharArray(), chain.toArray(X509Certificate[]::new));
            factory.setKeyStore(keyStore);
            factory.setKeyStorePassword(password);
            factory.setKeyManagerPassword(password);
            if (settings.clientCaFile() != null) {
                KeyStore trustStore = KeyStore.getInstance("PKCS12");
                trustStore.load(null, null);
                List<X509Certificate> authorities = PemFiles.certificates(settings.clientCaFile(), "--tls-client-ca-file");
                for (int i = 0; i < authorities.size(); i++) {
                    trustStore.setCertificateEntry("client-ca-" + i, authorities.get(i));
                }
                factory.setTrustStore(trustStore);
                factory.setNeedClientAuth(true);
            }
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("--tls-cert-file/--tls-key-file: cannot build the TLS key store ("
                    + e.getMessage() + ")", e);
        }
        return factory;
    }

    private static String randomPassword() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return Base64.getEncoder().encodeToString(random);
    }
}
