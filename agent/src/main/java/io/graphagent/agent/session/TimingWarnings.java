package io.graphagent.agent.session;

import io.graphagent.config.Problem;
import io.graphagent.protocol.v1.TimingPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns, once per policy a coordinator advertises, of every timing setting where it and the
 * agent's own config disagree (a lease the agent does not expect is a session lost for nothing).
 * Confined to the session thread.
 */
final class TimingWarnings {

    /** The client's logger: these lines belong to the session's log. */
    private static final Logger log = LoggerFactory.getLogger(SessionClient.class);

    private final SessionSettings settings;
    /** The policy warned about last; the same again is not warned twice. */
    private TimingPolicy lastAdvertised;

    TimingWarnings(SessionSettings settings) {
        this.settings = settings;
    }

    /** Logs one {@code event=timing_mismatch} line per disagreement, unless {@code timing} was checked last time. */
    void check(TimingPolicy timing) {
        if (!timing.equals(lastAdvertised)) {
            lastAdvertised = timing;
            for (Problem problem : AdvertisedTiming.disagreements(timing, settings.localTiming())) {
                log.warn("event=timing_mismatch agent={} key={} detail=\"{}\" fix=\"{}\"", settings.agentId(), problem.key(),
                        problem.message(), problem.fix());
            }
        }
    }
}
