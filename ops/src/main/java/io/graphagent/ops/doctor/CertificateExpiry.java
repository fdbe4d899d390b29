package io.graphagent.ops.doctor;

import io.graphagent.net.tls.CertificateChains;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The {@code cert-expiry} check: how long until the first certificate of ours or the server's expires. */
final class CertificateExpiry {

    static final String NAME = "cert-expiry";

    /** Warn this long ahead: enough for a monthly maintenance window to reissue certificates. */
    static final Duration WARN_BEFORE = Duration.ofDays(30);

    private CertificateExpiry() {
    }

    static CheckResult check(List<X509Certificate> local, List<X509Certificate> server, Instant now) {
        List<String> lines = new ArrayList<>();
        CheckResult worst = null;
        for (var side : List.of(new Object[] {"local", local}, new Object[] {"server", server})) {
            @SuppressWarnings("unchecked")
            List<X509Certificate> chain = (List<X509Certificate>) side[1];
            if (chain.isEmpty()) {
                continue;
            }
            X509Certificate first = chain.stream().min(Comparator.comparing(ServerChain::notAfter)).orElseThrow();
            Duration left = Duration.between(now, ServerChain.notAfter(first));
            String text = side[0] + " " + CertificateChains.subject(first) + (left.isNegative() ? " expired " + ServerChain.human(left)
                    + " ago" : " expires in " + ServerChain.human(left));
            if (left.isNegative()) {
                worst = CheckResult.fail(NAME, io.graphagent.net.cause.DisconnectCause.TLS_CERT_EXPIRED, text);
            } else if (left.compareTo(WARN_BEFORE) < 0) {
                text += " (under " + WARN_BEFORE.toDays() + " days)";
                if (worst == null) {
                    worst = CheckResult.warn(NAME, text,
                            "reissue the certificates before then (`graphagent certs init --overwrite`, or your CA)");
                }
            }
            lines.add(text);
        }
        String measured = String.join("; ", lines);
        if (worst == null) {
            return CheckResult.pass(NAME, measured);
        }
        return new CheckResult(NAME, worst.verdict(), measured, worst.fix(), worst.cause());
    }
}
