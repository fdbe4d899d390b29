package io.graphagent.net.cause;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DisconnectCauseTest {

    @Test
    void everyCauseHasAUniqueLowerCaseLabelAndAnExplanationWithAFix() {
        Set<String> labels = new HashSet<>();
        for (DisconnectCause cause : DisconnectCause.values()) {
            assertThat(cause.label()).matches("[a-z0-9_]+");
            assertThat(labels.add(cause.label())).as("unique label %s", cause.label()).isTrue();
            assertThat(cause.explanation()).doesNotContain("\n").contains(":");
        }
    }

    @Test
    void labelsRoundTripAndUnknownLabelsMapToUnknown() {
        Arrays.stream(DisconnectCause.values())
                .forEach(cause -> assertThat(DisconnectCause.fromLabel(cause.label())).isEqualTo(cause));
        assertThat(DisconnectCause.fromLabel("cause_from_a_newer_release")).isEqualTo(DisconnectCause.UNKNOWN);
    }

    @Test
    void refusedCertificatesAndVersionMismatchesAreNotRetryable() {
        assertThat(DisconnectCause.TLS_UNKNOWN_CA.retryable()).isFalse();
        assertThat(DisconnectCause.TLS_CLIENT_CERT_REFUSED.retryable()).isFalse();
        assertThat(DisconnectCause.PROTOCOL_VERSION_UNSUPPORTED.retryable()).isFalse();
        assertThat(DisconnectCause.CONNECTION_REFUSED.retryable()).isTrue();
        assertThat(DisconnectCause.LEASE_EXPIRED.retryable()).isTrue();
    }

    @Test
    void tlsCausesAreMarkedAsSuch() {
        assertThat(DisconnectCause.TLS_HANDSHAKE_TIMEOUT.isTls()).isTrue();
        assertThat(DisconnectCause.PLAINTEXT_TO_TLS_PORT.isTls()).isTrue();
        assertThat(DisconnectCause.CONNECTION_REFUSED.isTls()).isFalse();
    }
}
