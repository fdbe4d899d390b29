package io.graphagent.ops.doctor;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.net.tls.CertificateChains;
import io.graphagent.net.tls.TlsFiles;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code tls-handshake} check: a handshake with our files, explained from the chain the
 * server sent (order, link to our CA, validity against our clock) before falling back to the
 * alert or message {@link FailureClassifier} reads. With {@code --insecure} it instead checks
 * that the port does not speak TLS. Stateless.
 */
final class TlsCheck {

    static final String NAME = "tls-handshake";

    private TlsCheck() {
    }

    /** The verdict and the server chain seen, for the expiry check that follows. */
    record Result(CheckResult verdict, List<X509Certificate> serverChain) {
    }

    static Result run(DoctorOptions options, InetSocketAddress address, TlsFiles files, TlsFiles.Loaded loaded) {
        TlsProbe.Outcome outcome = TlsProbe.handshake(address, options.coordinator().host(),
                Optional.of(loaded.identity()), loaded.trust(), options.connectTimeout(), options.handshakeTimeout());
        return new Result(judge(options, files, loaded, outcome), outcome.serverChain());
    }

    /** --insecure: any certificate in answer to a ClientHello means the server wants TLS. */
    static CheckResult plaintext(DoctorOptions options, InetSocketAddress address) {
        TlsProbe.Outcome outcome = TlsProbe.handshake(address, options.coordinator().host(), Optional.empty(), null,
                options.connectTimeout(), options.handshakeTimeout());
        if (!outcome.serverChain().isEmpty()) {
            return CheckResult.fail(NAME, DisconnectCause.PLAINTEXT_TO_TLS_PORT, "--insecure, but the server answered a TLS"
                    + " ClientHello with certificate " + CertificateChains.subject(outcome.serverChain().get(0)));
        }
        return CheckResult.warn(NAME, "plaintext (--insecure): the server does not speak TLS; traffic can be read and forged",
                "run the coordinator with TLS and pass --certs DIR");
    }

    static CheckResult judge(DoctorOptions options, TlsFiles files, TlsFiles.Loaded loaded, TlsProbe.Outcome outcome) {
        List<X509Certificate> chain = outcome.serverChain();
        Instant now = options.clock().instant();
        if (outcome.failure().isEmpty()) {
            if (!CertificateChains.inOrder(chain)) {
                return outOfOrder(chain);
            }
            X509Certificate leaf = chain.get(0);
            String measured = outcome.protocol() + " in " + Reachability.millis(outcome.took()) + ", server "
                    + CertificateChains.subject(leaf) + " issued by " + CertificateChains.issuer(leaf) + ", chain of " + chain.size()
                    + " in order, client certificate accepted";
            Duration slow = slowHandshake(options);
            if (outcome.took().compareTo(slow) > 0) {
                return CheckResult.warn(NAME, measured + "; slower than " + slow.toMillis() + " ms (half the handshake timeout "
                        + options.handshakeTimeout().toMillis() + " ms, at least 1 s)", "a handshake this slow means packets"
                        + " were lost and sent again (see path-mtu: large packets lost on the path) or the server is starved for"
                        + " CPU; agents' handshakes through this path are close to their timeout");
            }
            return CheckResult.pass(NAME, measured);
        }
        Exception failure = outcome.failure().get();
        FailureClassifier.Classification classified = FailureClassifier.explain(failure, FailureClassifier.Side.CLIENT);
        if (outcome.timedOut()) {
            return CheckResult.fail(NAME, DisconnectCause.TLS_HANDSHAKE_TIMEOUT, "no handshake within "
                    + options.handshakeTimeout().toMillis() + " ms");
        }
        if (outcome.serverTrusted()) {
            // We accepted the server; an alert now is the server refusing our certificate.
            return CheckResult.fail(NAME, DisconnectCause.TLS_CLIENT_CERT_REFUSED, "the server refused our client certificate "
                    + CertificateChains.subject(loaded.identity().certificate()) + " (issued by "
                    + CertificateChains.issuer(loaded.identity().certificate()) + ", file " + files.cert() + "): "
                    + classified.detail());
        }
        if (chain.isEmpty()) {
            return CheckResult.fail(NAME, classified.cause(), classified.detail());
        }
        for (X509Certificate c : chain) {
            if (now.isAfter(ServerChain.notAfter(c))) {
                return CheckResult.fail(NAME, DisconnectCause.TLS_CERT_EXPIRED, "server certificate " + CertificateChains.subject(c)
                        + " expired " + ServerChain.notAfter(c) + ", " + ServerChain.human(Duration.between(ServerChain.notAfter(c), now))
                        + " ago by our clock " + now + skewHint(options));
            }
            if (now.isBefore(ServerChain.notBefore(c))) {
                return CheckResult.fail(NAME, DisconnectCause.TLS_CERT_NOT_YET_VALID, "server certificate "
                        + CertificateChains.subject(c) + " is valid only from " + ServerChain.notBefore(c) + ", "
                        + ServerChain.human(Duration.between(now, ServerChain.notBefore(c))) + " after our clock " + now
                        + "; clock-skew hint: if it was issued just now, this machine's clock is behind by at least that much"
                        + " (compare `date -u` on both machines, fix NTP)");
            }
        }
        if (!ServerChain.reaches(chain, loaded.trust())) {
            X509Certificate top = ServerChain.top(chain);
            Optional<java.nio.file.Path> intermediate = ServerChain.missingIntermediateNear(files.ca(), top, loaded.trust());
            if (intermediate.isPresent()) {
                return CheckResult.fail(NAME, DisconnectCause.TLS_CHAIN_INCOMPLETE, "server chain incomplete: it sent "
                        + chain.size() + " certificate(s) ending at " + CertificateChains.subject(top) + ", without its issuer "
                        + CertificateChains.issuer(top) + " (found in " + intermediate.get() + "), so it does not reach our CA");
            }
            return CheckResult.fail(NAME, DisconnectCause.TLS_UNKNOWN_CA, "server certificate " + CertificateChains.subject(chain.get(0))
                    + " chains up to " + CertificateChains.issuer(top) + ", not to our CA "
                    + loaded.trust().stream().map(CertificateChains::subject).toList() + " (" + files.ca() + ")");
        }
        if (!CertificateChains.inOrder(chain)) {
            return outOfOrder(chain);
        }
        return CheckResult.fail(NAME, classified.cause(), classified.detail());
    }

    /**
     * Above this a handshake that succeeded is a WARN: half the handshake timeout (an agent's
     * handshake through the same path would be close to failing), never under 1 s (a cold JVM's
     * first handshake).
     */
    static Duration slowHandshake(DoctorOptions options) {
        Duration half = options.handshakeTimeout().dividedBy(2);
        return half.compareTo(SLOW_FLOOR) < 0 ? SLOW_FLOOR : half;
    }

    private static final Duration SLOW_FLOOR = Duration.ofSeconds(1);

    private static CheckResult outOfOrder(List<X509Certificate> chain) {
        return CheckResult.fail(NAME, DisconnectCause.TLS_CHAIN_INCOMPLETE, "server chain out of order: it sent "
                + chain.stream().map(CertificateChains::subject).toList() + " but each certificate must be followed by its"
                + " issuer, the leaf " + CertificateChains.subject(CertificateChains.leafOf(chain)) + " first");
    }

    private static String skewHint(DoctorOptions options) {
        return "; clock-skew hint: if the certificate should still be valid, this machine's clock is ahead (fix NTP)";
    }
}
