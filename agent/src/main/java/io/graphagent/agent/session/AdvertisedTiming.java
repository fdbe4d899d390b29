package io.graphagent.agent.session;

import io.graphagent.config.Problem;
import io.graphagent.protocol.v1.TimingPolicy;
import java.time.Duration;
import java.util.List;

/** The timing policy a coordinator advertises in Welcome, read back into config's terms. */
final class AdvertisedTiming {

    private AdvertisedTiming() {
    }

    /** One warning per setting where {@code advertised} and the agent's own {@code local} differ. */
    static List<Problem> disagreements(TimingPolicy advertised, io.graphagent.config.TimingPolicy local) {
        io.graphagent.config.TimingPolicy coordinator = new io.graphagent.config.TimingPolicy(
                Duration.ofMillis(advertised.getHeartbeatIntervalMs()), Duration.ofMillis(advertised.getLeaseTtlMs()),
                Duration.ofMillis(advertised.getSuspectAfterMs()), Duration.ofMillis(advertised.getKeepaliveTimeMs()),
                Duration.ofMillis(advertised.getKeepaliveTimeoutMs()),
                Duration.ofMillis(advertised.getPermitKeepaliveTimeMs()),
                Duration.ofMillis(advertised.getHandshakeTimeoutMs()));
        return coordinator.compareWithLocal(local);
    }

    /** {@code millis} as a duration, or {@code fallback} when the coordinator left it out (0). */
    static Duration orElse(long millis, Duration fallback) {
        return millis > 0 ? Duration.ofMillis(millis) : fallback;
    }
}
