package io.graphagent.agent.dataplane;

import io.graphagent.protocol.v1.ResolveRequest;
import io.graphagent.protocol.v1.ResolveResponse;

/** Answers peers' questions about the ids of the partitions this agent owns (DataPlane.Resolve). */
public interface IdService {

    /**
     * @throws IllegalArgumentException when the request names a partition this agent does not
     *     own or is malformed (answered INVALID_ARGUMENT)
     */
    ResolveResponse resolve(ResolveRequest request);
}
