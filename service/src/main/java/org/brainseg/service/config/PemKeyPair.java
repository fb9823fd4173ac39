package org.brainseg.service.config;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * A server's PEM certificate chain and private key, read from two files and checked to belong
 * together; what the HTTP server is given (as values, so that what was checked is what is served,
 * even if the files change in between). Every refusal is a {@link ConfigException} naming the key
 * of the file at fault: at start-up it stops the service, at a reload it keeps the old pair.
 *
 * @param certificate the certificate file's bytes: the server's certificate first, then its chain
 * @param key the private key file's bytes (PKCS#8, or PKCS#1 RSA, or SEC1 EC)
 * @param leaf the server's certificate
 */
public record PemKeyPair(byte[] certificate, byte[] key, X509Certificate leaf) {
    /** A PEM file is a few kilobytes; anything much larger is not one. */
    static final long MAX_BYTES = 1 << 20;

    /**
     * Reads and checks the pair; {@code certKey} and {@code keyKey} are the configuration keys that
     * name the files in errors ({@code http.tls.certificate}, {@code http.tls.key}).
     */
    public static PemKeyPair read(Path certificateFile, String certKey, Path keyFile, String keyKey) {
        byte[] cert = bytes(certificateFile, certKey);
        byte[] key = bytes(keyFile, keyKey);
        X509Certificate leaf = leaf(cert, certificateFile, certKey);
        PrivateKey privateKey;
        try {
            PemKeyCertOptions options = options(cert, key);
            String alias = options.loadKeyStore(null).aliases().nextElement();
            KeyManagerFactory kmf = options.getKeyManagerFactory(null);
            privateKey = ((X509KeyManager) kmf.getKeyManagers()[0]).getPrivateKey(alias);
        } catch (Exception e) {
            throw new ConfigException(keyKey, "not a PEM private key (PKCS#8, RSA or EC) in " + keyFile + ": "
                    + firstLine(e));
        }
        if (!belongTogether(privateKey, leaf)) {
            throw new ConfigException(keyKey, keyFile + " is not the private key of the certificate in " + certificateFile);
        }
        return new PemKeyPair(cert, key, leaf);
    }

    /** The pair for Vert.x. */
    public PemKeyCertOptions options() {
        return options(certificate, key);
    }

    /** Whether {@code other} holds the same bytes (a reload with nothing new does nothing). */
    public boolean sameAs(PemKeyPair other) {
        return other != null && Arrays.equals(certificate, other.certificate) && Arrays.equals(key, other.key);
    }

    /** Subject, serial and end of validity, for the log. */
    public String describe() {
        return leaf.getSubjectX500Principal().getName() + " (serial " + leaf.getSerialNumber().toString(16) + ", valid until "
                + leaf.getNotAfter().toInstant() + ")";
    }

    private static PemKeyCertOptions options(byte[] cert, byte[] key) {
        return new PemKeyCertOptions().setCertValue(Buffer.buffer(cert)).setKeyValue(Buffer.buffer(key));
    }

    private static byte[] bytes(Path file, String configKey) {
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException(configKey, file + " is a directory, not a PEM file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(configKey, file + " is larger than " + MAX_BYTES + " bytes: not a PEM file");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(configKey, "no such file: " + file);
        } catch (IOException e) {
            throw new ConfigException(configKey, "cannot read " + file + ": " + e);
        }
    }

    private static X509Certificate leaf(byte[] cert, Path file, String configKey) {
        // CertificateFactory also takes DER; the files are PEM, so the marker must be there
        if (!new String(cert, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            throw new ConfigException(configKey, "no PEM certificate (-----BEGIN CERTIFICATE-----) in " + file);
        }
        try {
            List<?> chain = List.copyOf(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(cert)));
            if (chain.isEmpty()) {
                throw new ConfigException(configKey, "no PEM certificate in " + file);
            }
            return (X509Certificate) chain.get(0);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(configKey, "not a PEM certificate chain in " + file + ": " + firstLine(e));
        }
    }

    /** Signs a few bytes with the key and verifies them with the certificate's public key. */
    private static boolean belongTogether(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA: the name is the signature's
        };
        try {
            byte[] probe = "brainseg".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String firstLine(Exception e) {
        return String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getSimpleName()).strip();
    }
}
