package io.graphagent.coordinator.membership;

import io.graphagent.protocol.v1.CoordinatorMessage;

/**
 * The coordinator's end of one agent's Session stream, as membership uses it: send on it, end
 * it. Implemented by the session layer; every method is thread-safe and never blocks on the
 * network (messages are queued by gRPC).
 */
public interface AgentConnection {

    /**
     * Queues a message to the agent.
     *
     * @return false when the stream has already ended (the message is dropped)
     */
    boolean send(CoordinatorMessage message);

    /** Ends the stream from the coordinator's side; idempotent. */
    void end(String reason);

    /** Whether the stream is still open. */
    boolean isOpen();

    /** host:port the connection comes from, for status and logs. */
    String remoteAddress();

    /** Whether the connection runs over TLS. */
    boolean tls();
}
