package io.graphagent.net.certs;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority that can issue intermediate CAs and leaf certificates, built with
 * BouncyCastle. Keys are EC P-256 (fast to generate, supported by both TLS engines gRPC uses);
 * signatures SHA256withECDSA. Validity windows are explicit instants so callers decide the
 * clock. Immutable and thread-safe.
 */
public final class CertificateAuthority {

    /** TLS purposes a leaf certificate may serve. */
    public enum Usage {
        /** Accepting connections (extended key usage serverAuth). */
        SERVER,
        /** Dialling with a client certificate (extended key usage clientAuth). */
        CLIENT
    }

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyMaterial material;
    /** Intermediates between this CA and the root, this CA first; empty for a root. */
    private final List<X509Certificate> chainToRoot;

    private CertificateAuthority(KeyMaterial material, List<X509Certificate> chainToRoot) {
        this.material = material;
        this.chainToRoot = List.copyOf(chainToRoot);
    }

    /** A new self-signed root CA named {@code CN=commonName, O=graphagent}. */
    public static CertificateAuthority createRoot(String commonName, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeyPair();
        X500Name name = name(commonName);
        X509Certificate cert = build(name, keys.getPublic(), name, keys, null, notBefore, notAfter,
                Role.CA, List.of(), List.of());
        return new CertificateAuthority(new KeyMaterial(List.of(cert), keys.getPrivate()), List.of());
    }

    /** Wraps an existing CA (for example ca.pem and ca-key.pem read back from disk) as a root. */
    public static CertificateAuthority of(KeyMaterial material) {
        return new CertificateAuthority(material, List.of());
    }

    /** The CA's own certificate and key. */
    public KeyMaterial material() {
        return material;
    }

    /** The CA's certificate. */
    public X509Certificate certificate() {
        return material.certificate();
    }

    /** An intermediate CA signed by this one; its chain includes this CA unless this is the root. */
    public CertificateAuthority issueIntermediate(String commonName, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeyPair();
        X509Certificate cert = build(name(commonName), keys.getPublic(), issuerName(), null, material,
                notBefore, notAfter, Role.CA, List.of(), List.of());
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        chain.addAll(chainToRoot);
        return new CertificateAuthority(new KeyMaterial(List.of(cert), keys.getPrivate()), chain);
    }

    /**
     * A leaf certificate with a fresh key.
     *
     * @param subjectAltNames DNS names and IP literals the certificate is valid for
     * @return the key with the chain a peer must be sent: the leaf, then this CA if it is an
     *     intermediate, then the intermediates above it
     */
    public KeyMaterial issueLeaf(String commonName, List<String> subjectAltNames, List<Usage> usages,
            Instant notBefore, Instant notAfter) {
        return issueLeaf(name(commonName), subjectAltNames, usages, notBefore, notAfter);
    }

    /**
     * A leaf certificate of a cluster role: {@code CN=commonName, OU=role, O=graphagent} (see
     * {@link CertificateRole}), otherwise as {@link #issueLeaf(String, List, List, Instant, Instant)}.
     */
    public KeyMaterial issueLeaf(CertificateRole role, String commonName, List<String> subjectAltNames, List<Usage> usages,
            Instant notBefore, Instant notAfter) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "graphagent")
                .addRDN(BCStyle.OU, role.ou()).addRDN(BCStyle.CN, commonName).build();
        return issueLeaf(subject, subjectAltNames, usages, notBefore, notAfter);
    }

    private KeyMaterial issueLeaf(X500Name subject, List<String> subjectAltNames, List<Usage> usages, Instant notBefore,
            Instant notAfter) {
        KeyPair keys = newKeyPair();
        X509Certificate cert = build(subject, keys.getPublic(), issuerName(), null, material,
                notBefore, notAfter, Role.LEAF, subjectAltNames, usages);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        chain.addAll(chainToRoot);
        return new KeyMaterial(chain, keys.getPrivate());
    }

    private X500Name issuerName() {
        return X500Name.getInstance(certificate().getSubjectX500Principal().getEncoded());
    }

    private enum Role { CA, LEAF }

    private static X509Certificate build(X500Name subject, PublicKey subjectKey, X500Name issuer,
            KeyPair selfSigner, KeyMaterial issuerMaterial, Instant notBefore, Instant notAfter, Role role,
            List<String> sans, List<Usage> usages) {
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " must be after notBefore " + notBefore);
        }
        try {
            BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial,
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            PublicKey issuerKey = selfSigner != null ? selfSigner.getPublic()
                    : issuerMaterial.certificate().getPublicKey();
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(issuerKey));
            if (role == Role.CA) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            } else {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
                List<KeyPurposeId> purposes = new ArrayList<>();
                if (usages.contains(Usage.SERVER)) {
                    purposes.add(KeyPurposeId.id_kp_serverAuth);
                }
                if (usages.contains(Usage.CLIENT)) {
                    purposes.add(KeyPurposeId.id_kp_clientAuth);
                }
                if (!purposes.isEmpty()) {
                    builder.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)));
                }
                if (!sans.isEmpty()) {
                    GeneralName[] names = sans.stream().distinct().map(CertificateAuthority::generalName)
                            .toArray(GeneralName[]::new);
                    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
                }
            }
            var signingKey = selfSigner != null ? selfSigner.getPrivate() : issuerMaterial.key();
            var signer = new JcaContentSignerBuilder(SIGNATURE).build(signingKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build certificate " + subject + ": " + e.getMessage(), e);
        }
    }

    private static GeneralName generalName(String host) {
        boolean ip = IPV4.matcher(host).matches() || host.contains(":");
        return new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host);
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "graphagent")
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 key generation is unavailable in this JDK", e);
        }
    }
}
