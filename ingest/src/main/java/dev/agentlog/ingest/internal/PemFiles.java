package dev.agentlog.ingest.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Certificates and private keys from PEM files, read with BouncyCastle's PEM parser (the JDK reads PKCS#8
 * only) and turned into JDK keys with the JDK's own key factories: BouncyCastle is never installed as a
 * security provider, so TLS itself stays the JDK's. Every error names the option the file came from.
 */
public final class PemFiles {
    private PemFiles() {}

    /** Every certificate in the file, in order (a chain: the server's first, then the intermediates). */
    public static List<X509Certificate> certificates(Path file, String option) {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object object : objects(file, option)) {
            if (object instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(converter.getCertificate(holder));
                } catch (GeneralSecurityException e) {
                    throw new IllegalArgumentException(option + ": " + file + " holds a certificate the JDK cannot read: "
                            + e.getMessage());
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(option + ": " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    /**
     * The private key of the file: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE
     * KEY}) or SEC1 EC ({@code BEGIN EC PRIVATE KEY}); other blocks (EC parameters, certificates) are skipped.
     */
    public static PrivateKey privateKey(Path file, String option) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object object : objects(file, option)) {
            try {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            } catch (IOException e) {
                throw new IllegalArgumentException(option + ": " + file + " holds a private key the JDK cannot use: "
                        + e.getMessage());
            }
            if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
                throw new IllegalArgumentException(option + ": " + file + " holds an encrypted private key; give it "
                        + "unencrypted in a file only agentlog's user can read (openssl pkcs8 -in encrypted.pem -out key.pem)");
            }
        }
        throw new IllegalArgumentException(option + ": " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----, "
                + "BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
    }

    /**
     * Whether the private key belongs to the certificate's public key: signs random bytes with one and verifies
     * with the other, so RSA, EC and EdDSA keys are all covered without looking inside them. A key of another
     * algorithm is left to the TLS handshake to judge (true).
     */
    public static boolean matches(PrivateKey key, PublicKey certificateKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null) {
            return true;
        }
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificateKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. an EC key against an RSA certificate
        }
    }

    private static List<Object> objects(Path file, String option) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(option + ": " + file + " is not a file");
        }
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(option + ": cannot read " + file + " as PEM (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        return objects;
    }
}
