package io.graphagent.net.certs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads and writes PEM certificates and private keys. Keys are written as unencrypted PKCS#8
 * ({@code -----BEGIN PRIVATE KEY-----}), the form gRPC's TLS credentials accept; reading also
 * accepts the traditional RSA and EC forms. Every write goes to a temporary file in the same
 * directory and is moved into place atomically, so a crash never leaves half a key; key files
 * are created with mode 0600 where the file system has POSIX permissions. Stateless and
 * thread-safe.
 */
public final class PemFiles {

    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    private PemFiles() {
    }

    /** Writes the certificates, in the given order, to {@code file} (mode 0644). */
    public static void writeCertificates(Path file, List<X509Certificate> certificates) throws IOException {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                pem.append(block("CERTIFICATE", certificate.getEncoded()));
            } catch (CertificateException e) {
                throw new IOException("cannot encode certificate " + certificate.getSubjectX500Principal(), e);
            }
        }
        writeAtomically(file, pem.toString(), "rw-r--r--");
    }

    /** Writes {@code key} as PKCS#8 PEM to {@code file} with mode 0600. */
    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IOException("private key format " + key.getFormat() + " is not PKCS#8");
        }
        writeAtomically(file, block("PRIVATE KEY", key.getEncoded()), "rw-------");
    }

    /** Writes the chain to {@code certFile} and the key to {@code keyFile}. */
    public static void write(KeyMaterial material, Path certFile, Path keyFile) throws IOException {
        writePrivateKey(keyFile, material.key());
        writeCertificates(certFile, material.chain());
    }

    /**
     * Every certificate in {@code file}, in file order.
     *
     * @throws IOException if the file cannot be read, holds no PEM certificate, or one is corrupt
     */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            throw new NotPemException(file + " holds no PEM certificate (no -----BEGIN CERTIFICATE----- line)");
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> certificates = new ArrayList<>();
            for (var c : factory.generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))) {
                certificates.add((X509Certificate) c);
            }
            if (certificates.isEmpty()) {
                throw new NotPemException(file + " holds no readable PEM certificate");
            }
            return certificates;
        } catch (CertificateException e) {
            throw new NotPemException(file + " holds a corrupt PEM certificate: " + e.getMessage());
        }
    }

    /** Reads one private key (PKCS#8, or traditional RSA/EC) from {@code file}. */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        if (text.contains("ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED")) {
            throw new NotPemException(file + " holds an encrypted private key; graphagent needs it unencrypted"
                    + " (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8) and protected by mode 0600");
        }
        if (!text.contains("PRIVATE KEY-----")) {
            throw new NotPemException(file + " holds no PEM private key (no -----BEGIN PRIVATE KEY----- line)");
        }
        try (Reader reader = new StringReader(text); PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new NotPemException(file + " holds a corrupt PEM private key: " + e.getMessage());
        }
        throw new NotPemException(file + " holds no readable PEM private key");
    }

    /** Reads the chain from {@code certFile} and the key from {@code keyFile}. */
    public static KeyMaterial read(Path certFile, Path keyFile) throws IOException {
        return new KeyMaterial(readCertificates(certFile), readPrivateKey(keyFile));
    }

    /** A file exists and is readable but is not the PEM content expected. */
    public static final class NotPemException extends IOException {
        NotPemException(String message) {
            super(message);
        }
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + BASE64.encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static void writeAtomically(Path file, String content, String posixMode) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path temp = posix
                ? Files.createTempFile(dir, "." + target.getFileName(), ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(posixMode)))
                : Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.US_ASCII);
            if (posix) {
                // createTempFile's attribute is filtered by the umask; set the mode explicitly.
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(posixMode));
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
