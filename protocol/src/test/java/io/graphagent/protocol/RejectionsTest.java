package io.graphagent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.protocol.v1.Reject;
import io.graphagent.protocol.v1.RejectReason;
import org.junit.jupiter.api.Test;

class RejectionsTest {

    @Test
    void refusalsThatCannotChangeAreNotRetryable() {
        assertThat(Rejections.isRetryable(RejectReason.VERSION_UNSUPPORTED)).isFalse();
        assertThat(Rejections.isRetryable(RejectReason.IDENTITY_REFUSED)).isFalse();
        assertThat(Rejections.isRetryable(RejectReason.CLUSTER_MISMATCH)).isFalse();
        assertThat(Rejections.isRetryable(RejectReason.INVALID_HELLO)).isFalse();
    }

    @Test
    void transientRefusalsAreRetryable() {
        assertThat(Rejections.isRetryable(RejectReason.DUPLICATE_AGENT)).isTrue();
        assertThat(Rejections.isRetryable(RejectReason.FENCED)).isTrue();
        assertThat(Rejections.isRetryable(RejectReason.SHUTTING_DOWN)).isTrue();
    }

    @Test
    void reasonFromANewerCoordinatorIsNotRetried() {
        Reject fromNewer = Reject.newBuilder().setReasonValue(99).setMessage("new reason").build();

        assertThat(fromNewer.getReason()).isEqualTo(RejectReason.UNRECOGNIZED);
        assertThat(Rejections.isRetryable(fromNewer.getReason())).isFalse();
    }

    @Test
    void rejectCarriesReasonMessageAndTheContractsRetryableFlag() {
        Reject reject = Rejections.reject(RejectReason.CLUSTER_MISMATCH, "agent is in cluster 'test', coordinator in 'prod'");

        assertThat(reject.getReason()).isEqualTo(RejectReason.CLUSTER_MISMATCH);
        assertThat(reject.getMessage()).contains("'prod'");
        assertThat(reject.getRetryable()).isFalse();
    }
}
