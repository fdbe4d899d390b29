package io.graphagent.ops.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.certs.CertificateAuthority;
import io.graphagent.net.certs.KeyMaterial;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateExpiryTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private static KeyMaterial leafValidFor(Duration validity) {
        CertificateAuthority ca = CertificateAuthority.createRoot("test CA", NOW.minus(Duration.ofDays(400)),
                NOW.plus(Duration.ofDays(400)));
        return ca.issueLeaf("agent-1", List.of("localhost"), List.of(CertificateAuthority.Usage.values()),
                NOW.minus(Duration.ofDays(30)), NOW.plus(validity));
    }

    @Test
    void serverCertificateExpiringWithinThirtyDaysWarns() {
        CheckResult result = CertificateExpiry.check(leafValidFor(Duration.ofDays(300)).chain(),
                leafValidFor(Duration.ofDays(10)).chain(), NOW);
        assertThat(result.verdict()).isEqualTo(Verdict.WARN);
        assertThat(result.measured()).contains("server CN=agent-1,O=graphagent expires in 10 days (under 30 days)");
    }

    @Test
    void expiredLocalCertificateFails() {
        CheckResult result = CertificateExpiry.check(leafValidFor(Duration.ofDays(-2)).chain(), List.of(), NOW);
        assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(result.cause()).contains(DisconnectCause.TLS_CERT_EXPIRED);
    }

    @Test
    void farExpiryPasses() {
        assertThat(CertificateExpiry.check(leafValidFor(Duration.ofDays(300)).chain(),
                leafValidFor(Duration.ofDays(200)).chain(), NOW).verdict()).isEqualTo(Verdict.PASS);
    }
}
