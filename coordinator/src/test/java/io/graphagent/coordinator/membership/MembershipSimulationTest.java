package io.graphagent.coordinator.membership;

import io.graphagent.net.testing.FakeClock;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

import io.graphagent.config.Profile;
import io.graphagent.config.SessionConfig;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.CoordinatorMessage;
import io.graphagent.protocol.v1.Goodbye;
import io.graphagent.protocol.v1.Heartbeat;
import io.graphagent.protocol.v1.Hello;
import io.graphagent.protocol.v1.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * A seeded simulation of membership, in the manner of Kafka's RaftEventSimulationTest: a few
 * agents on one thread and a fake clock do random things (dial, resume, heartbeat on time or
 * late, report with the right or a stale epoch, lose their stream, crash and restart, leave),
 * and invariants are checked after every step. A failure names its seed and step; running that
 * seed again replays it exactly.
 */
class MembershipSimulationTest {

    private static final SessionConfig TIMING = Profile.TEST.defaults().session();
    private static final int AGENTS = 4;
    private static final int STEPS = 3_000;

    /** Legal state changes: from -> allowed targets. */
    private static final Map<AgentState, Set<AgentState>> LEGAL = Map.of(
            AgentState.AGENT_STATE_UNSPECIFIED, EnumSet.of(AgentState.JOINING),
            AgentState.JOINING, EnumSet.of(AgentState.ALIVE, AgentState.SUSPECT, AgentState.DEAD, AgentState.LEFT),
            AgentState.ALIVE, EnumSet.of(AgentState.SUSPECT, AgentState.DEAD, AgentState.LEFT),
            AgentState.SUSPECT, EnumSet.of(AgentState.ALIVE, AgentState.DEAD, AgentState.LEFT),
            AgentState.DEAD, EnumSet.of(AgentState.JOINING),
            AgentState.LEFT, EnumSet.of(AgentState.JOINING));

    /** What one simulated agent process knows. */
    private static final class SimAgent {
        final String id;
        FakeConnection stream;
        MemberSession session;
        String savedSessionId = "";
        long seq;
        /** The coordinator's last renewal of this agent's lease, as the model sees it. */
        Instant renewed;
        int handled;

        SimAgent(String id) {
            this.id = id;
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 42, 1337})
    void invariantsHoldUnderRandomAgentBehaviour(long seed) {
        // Tens of thousands of transitions: keep them out of the test log.
        Logger logger = (Logger) LoggerFactory.getLogger(Membership.class);
        Level level = logger.getLevel();
        logger.setLevel(Level.ERROR);
        try {
            new Simulation(seed).run();
        } finally {
            logger.setLevel(level);
        }
    }

    private static final class Simulation {
        final long seed;
        final SplittableRandom random;
        final FakeClock clock = new FakeClock();
        final Membership membership = new Membership(TIMING, clock, new CauseCounter());
        final List<SimAgent> agents = new ArrayList<>();
        final Map<String, AgentState> states = new HashMap<>();
        final List<String> violations = new ArrayList<>();
        long lastNewEpoch;
        int step;

        Simulation(long seed) {
            this.seed = seed;
            this.random = new SplittableRandom(seed);
            for (int i = 1; i <= AGENTS; i++) {
                agents.add(new SimAgent("agent-" + i));
            }
            membership.addListener((agent, from, to, cause) -> {
                AgentState known = states.getOrDefault(agent, AgentState.AGENT_STATE_UNSPECIFIED);
                check(known == from, "transition of " + agent + " from " + from + " but it was " + known);
                check(LEGAL.get(from).contains(to), "illegal transition of " + agent + " " + from + " -> " + to);
                states.put(agent, to);
                if (to == AgentState.DEAD && cause.equals(DisconnectCause.LEASE_EXPIRED.label())) {
                    SimAgent sim = find(agent);
                    Duration silent = Duration.between(sim.renewed, clock.instant());
                    check(silent.compareTo(TIMING.leaseTtl()) >= 0,
                            agent + " declared DEAD after only " + silent.toMillis() + " ms without renewal");
                }
            });
            membership.setReportSink((agent, report) -> {
                SimAgent sim = find(agent);
                check(sim.session != null && sim.session.epoch().matches(report.getSessionEpoch())
                                && membership.state(agent) != AgentState.DEAD,
                        "report of epoch " + report.getSessionEpoch() + " from " + agent + " reached the job layer");
            });
        }

        void run() {
            for (step = 0; step < STEPS; step++) {
                act();
                invariants();
                assertThat(violations).as("seed %d, step %d: replay with this seed", seed, step).isEmpty();
            }
        }

        void act() {
            int dice = random.nextInt(100);
            if (dice < 20) {
                clock.advance(Duration.ofMillis(random.nextInt(400)));
            } else if (dice < 35) {
                membership.tick();
                for (SimAgent agent : agents) {
                    AgentState state = membership.state(agent.id);
                    if (state == AgentState.JOINING || state == AgentState.ALIVE || state == AgentState.SUSPECT) {
                        check(membership.leaseRemaining(agent.id).isPositive(),
                                agent.id + " still " + state + " after a tick with an expired lease");
                    }
                }
            } else {
                SimAgent agent = agents.get(random.nextInt(AGENTS));
                int what = random.nextInt(100);
                if (agent.stream == null) {
                    dial(agent);
                } else if (what < 55) {
                    heartbeat(agent, random.nextInt(20) == 0);
                } else if (what < 75) {
                    report(agent, random.nextInt(10) == 0);
                } else if (what < 85) {
                    breakStream(agent);
                } else if (what < 93) {
                    breakStream(agent);
                    agent.savedSessionId = random.nextBoolean() ? "" : agent.savedSessionId;
                } else {
                    membership.goodbye(agent.session, Goodbye.getDefaultInstance());
                    agent.stream.end("goodbye");
                    agent.stream = null;
                    agent.session = null;
                    agent.savedSessionId = "";
                }
            }
            for (SimAgent agent : agents) {
                drain(agent);
            }
        }

        void dial(SimAgent agent) {
            FakeConnection stream = new FakeConnection("10.0.0." + agent.id.substring(6) + ":" + step);
            Hello hello = Hello.newBuilder().setAgentId(agent.id).setDataAddress("10.0.0.1:7500")
                    .setResumeSessionId(agent.savedSessionId).build();
            Admission admission = membership.admit(hello, agent.id, 1, stream);
            if (admission instanceof Admission.Admitted admitted) {
                MemberSession session = admitted.session();
                if (session.resumed()) {
                    check(session.sessionId().equals(agent.savedSessionId), "resumed a session it did not name");
                } else {
                    check(session.epoch().value() > lastNewEpoch, "new epoch " + session.epoch() + " not above " + lastNewEpoch);
                    lastNewEpoch = session.epoch().value();
                }
                agent.stream = stream;
                agent.session = session;
                agent.savedSessionId = session.sessionId();
                agent.renewed = clock.instant();
                agent.seq = 0;
                agent.handled = 0;
            } else {
                check(((Admission.Refused) admission).reject().getRetryable(), "a refusal of a valid Hello must be retryable");
            }
        }

        void heartbeat(SimAgent agent, boolean staleEpoch) {
            long epoch = agent.session.epoch().value() - (staleEpoch ? 1 : 0);
            membership.heartbeat(agent.session, Heartbeat.newBuilder().setSeq(++agent.seq).setSessionEpoch(epoch).build());
        }

        void report(SimAgent agent, boolean staleEpoch) {
            long epoch = agent.session.epoch().value() - (staleEpoch ? 1 + random.nextInt(3) : 0);
            membership.report(agent.session, Report.newBuilder().setCommandId(step).setSessionEpoch(epoch).build());
        }

        void breakStream(SimAgent agent) {
            membership.streamEnded(agent.session, DisconnectCause.STREAM_BROKEN, "simulated");
            agent.stream.end("broken");
            agent.stream = null;
            agent.session = null;
        }

        /** What the coordinator sent: acks renew the lease; Fenced makes the agent rejoin as new. */
        void drain(SimAgent agent) {
            FakeConnection stream = agent.stream;
            if (stream == null) {
                return;
            }
            while (agent.handled < stream.sent.size()) {
                CoordinatorMessage message = stream.sent.get(agent.handled++);
                if (message.hasHeartbeatAck()) {
                    agent.renewed = clock.instant();
                    check(agent.session.epoch().matches(message.getHeartbeatAck().getSessionEpoch()), "ack of another epoch");
                } else if (message.hasFenced()) {
                    agent.savedSessionId = "";
                }
            }
            if (!stream.isOpen()) {
                agent.stream = null;
                agent.session = null;
            }
        }

        void invariants() {
            List<String> alive = membership.alive().stream().map(AgentView::agentId).toList();
            for (SimAgent agent : agents) {
                AgentState state = membership.state(agent.id);
                check(state == states.getOrDefault(agent.id, AgentState.AGENT_STATE_UNSPECIFIED),
                        agent.id + " is " + state + " but the listeners were told " + states.get(agent.id));
                check(alive.contains(agent.id) == (state == AgentState.ALIVE), agent.id + " alive() disagrees with " + state);
            }
        }

        SimAgent find(String id) {
            return agents.stream().filter(a -> a.id.equals(id)).findFirst().orElseThrow();
        }

        void check(boolean condition, String violation) {
            if (!condition) {
                violations.add(violation);
            }
        }
    }
}
