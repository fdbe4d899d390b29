package io.graphagent.coordinator.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class QueryAdmissionTest {

    @Test
    void aQueryBeyondTheBoundIsRefusedBusyAtOnceAndCountedThenAdmittedOnceOneEnds() throws Exception {
        QueryAdmission admission = new QueryAdmission(2);
        admission.admit();
        admission.admit();
        assertThat(admission.inFlight()).isEqualTo(2);

        assertThatThrownBy(admission::admit).isInstanceOfSatisfying(QueryException.class, e -> {
            assertThat(e.kind()).isEqualTo(QueryException.Kind.BUSY);
            assertThat(e.retryAfterMs()).isEqualTo(QueryAdmission.MIN_RETRY_AFTER_MS);
            assertThat(e.getMessage()).isEqualTo("busy: 2 queries in flight at the gateway (query.max-in-flight),"
                    + " retry after 10 ms");
        });
        assertThat(admission.shed()).isEqualTo(1);
        assertThat(admission.inFlight()).as("a refused query holds nothing").isEqualTo(2);

        admission.done(1_000);
        admission.admit();
        assertThat(admission.inFlight()).isEqualTo(2);
        assertThat(admission.shed()).isEqualTo(1);
    }

    @Test
    void retryAfterFollowsTheRecentQueryTime() throws Exception {
        QueryAdmission admission = new QueryAdmission(1);
        for (int i = 0; i < 200; i++) {
            admission.admit();
            admission.done(400_000); // 400 ms each
        }
        assertThat(admission.retryAfterMs()).isBetween(390L, 400L);
    }

    @Test
    void aBusyAnswerOnGrpcIsResourceExhaustedWithTheRetryAfterInItsTrailers() {
        var status = new QueryException(QueryException.Kind.BUSY, "busy", 250).toStatus();
        assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getTrailers().get(QueryException.RETRY_AFTER_MS)).isEqualTo("250");
        assertThat(new QueryException(QueryException.Kind.NO_GRAPH, "no").toStatus().getTrailers()).isNull();
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThatThrownBy(() -> new QueryAdmission(0)).hasMessageContaining("query.max-in-flight must be at least 1");
    }
}
