package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.coordinator.query.QueryException;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class QueryBusyExceptionTest {

    @Test
    void aBusyAnswerSaysTheClusterShedTheQueryAndHowLongToWait() {
        var busy = new QueryException(QueryException.Kind.BUSY, "busy: 2 queries in flight at the gateway"
                + " (query.max-in-flight), retry after 40 ms", 40).toStatus();
        RuntimeException e = QueryBusyException.orSame(CoordinatorCallException.of("coordinator x: query failed", busy, ""));
        assertThat(e).isInstanceOf(QueryBusyException.class).hasMessage("the cluster is busy and shed the query (busy: 2"
                + " queries in flight at the gateway (query.max-in-flight), retry after 40 ms). Fix: try again after 40 ms;"
                + " if it stays busy, add agents or raise query.agent-max-in-flight / query.max-in-flight");
    }

    @Test
    void anotherFailureStaysAsItWas() {
        CoordinatorCallException unreachable = CoordinatorCallException.of("coordinator x: query failed",
                Status.UNAVAILABLE.withDescription("io exception").asRuntimeException(), "");
        assertThat(QueryBusyException.orSame(unreachable)).isSameAs(unreachable);
        // RESOURCE_EXHAUSTED without the gateway's trailer is not a busy answer (e.g. a keepalive GOAWAY).
        CoordinatorCallException pings = CoordinatorCallException.of("coordinator x: query failed",
                Status.RESOURCE_EXHAUSTED.withDescription("too_many_pings").asRuntimeException(), "");
        assertThat(QueryBusyException.orSame(pings)).isSameAs(pings);
    }
}
