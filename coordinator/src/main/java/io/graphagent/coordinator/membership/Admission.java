package io.graphagent.coordinator.membership;

import io.graphagent.protocol.v1.Reject;

/** The outcome of {@link Membership#admit}: a session, or a refusal to send as Reject. */
public sealed interface Admission {

    /** The Hello opened or resumed a session. */
    record Admitted(MemberSession session) implements Admission {
    }

    /** The Hello was refused; the stream ends after the Reject. */
    record Refused(Reject reject) implements Admission {
    }
}
