package dev.agentlog.ingest;

import dev.agentlog.ingest.internal.PemFiles;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * TLS of the HTTP API, from PEM files. With TLS on, the API speaks HTTPS only: a plain HTTP request on its
 * port fails.
 *
 * @param certFile     the server's certificate chain ({@code --tls-cert-file}): its own certificate first,
 *                     then any intermediates
 * @param keyFile      its private key ({@code --tls-key-file}): PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1
 *                     RSA or SEC1 EC, unencrypted (keep the file readable by agentlog's user only)
 * @param clientCaFile when set ({@code --tls-client-ca-file}), every client must present a certificate signed
 *                     by one of the CA certificates in this file; null for no client certificates
 */
public record TlsSettings(Path certFile, Path keyFile, Path clientCaFile) {
    public TlsSettings {
        Objects.requireNonNull(certFile, "--tls-cert-file");
        Objects.requireNonNull(keyFile, "--tls-key-file");
    }

    /**
     * Reads every file and checks that the key belongs to the certificate, so that a bad file stops start-up
     * with the option's name instead of failing each handshake.
     *
     * @throws IllegalArgumentException naming the option and the file
     */
    public void verify() {
        List<X509Certificate> chain = PemFiles.certificates(certFile, "--tls-cert-file");
        PrivateKey key = PemFiles.privateKey(keyFile, "--tls-key-file");
        if (!PemFiles.matches(key, chain.get(0).getPublicKey())) {
            throw new IllegalArgumentException("--tls-key-file: the key in " + keyFile + " does not belong to the first "
                    + "certificate of " + certFile + " (--tls-cert-file): give the certificate's own key");
        }
        try {
            chain.get(0).checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new IllegalArgumentException("--tls-cert-file: the certificate in " + certFile + " is not valid now ("
                    + e.getMessage() + "): renew it");
        }
        if (clientCaFile != null) {
            PemFiles.certificates(clientCaFile, "--tls-client-ca-file");
        }
    }
}
