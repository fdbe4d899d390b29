package io.graphagent.coordinator.job;

import io.graphagent.coordinator.membership.Admission;
import io.graphagent.coordinator.membership.AgentConnection;
import io.graphagent.coordinator.membership.MemberSession;
import io.graphagent.coordinator.membership.Membership;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.protocol.ProtocolVersion;
import io.graphagent.protocol.v1.CoordinatorMessage;
import io.graphagent.protocol.v1.Heartbeat;
import io.graphagent.protocol.v1.Hello;
import io.graphagent.protocol.v1.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The fake network of the job simulation, between the coordinator's {@link Membership} and the
 * scripted agents, and between agents (the data plane). Each agent has one link: it adds a
 * delay (a few ms, more while it is slowed) and, while it is cut off, holds everything that
 * crosses it until the cut heals (a black hole: TCP keeps retrying, nothing is reset). A
 * stream can also be dropped (reset): both ends learn it and what was in flight is lost.
 */
final class SimNetwork {
    private final SimWorld world;
    final Membership membership;
    private final Map<String, Instant> cutUntil = new HashMap<>();
    private final Map<String, Instant> slowUntil = new HashMap<>();
    private final Map<String, SimAgent> agents = new HashMap<>();

    SimNetwork(SimWorld world, Membership membership) {
        this.world = world;
        this.membership = membership;
    }

    void attach(SimAgent agent) {
        agents.put(agent.id, agent);
    }

    /** Holds all traffic of {@code agent} for {@code duration}. */
    void cut(String agent, Duration duration) {
        cutUntil.put(agent, world.now().plus(duration));
    }

    boolean isCut(String agent) {
        Instant until = cutUntil.get(agent);
        return until != null && until.isAfter(world.now());
    }

    /** Adds 50-400 ms to every message of {@code agent} for {@code duration}. */
    void slow(String agent, Duration duration) {
        slowUntil.put(agent, world.now().plus(duration));
    }

    /** When a message sent now over {@code agent}'s link arrives, no earlier than {@code notBefore}. */
    Instant arrival(String agent, Instant notBefore) {
        Instant leaves = world.now();
        Instant cut = cutUntil.get(agent);
        if (cut != null && cut.isAfter(leaves)) {
            leaves = cut;
        }
        Instant slow = slowUntil.get(agent);
        Duration delay = slow != null && slow.isAfter(world.now()) ? world.millis(50, 400) : world.millis(1, 6);
        Instant at = leaves.plus(delay);
        return notBefore != null && notBefore.isAfter(at) ? notBefore : at;
    }

    /**
     * Sends a data-plane batch from {@code from} to the agent at {@code address}: held by either
     * end's cut, refused at once when no process listens there.
     *
     * @return false when refused (the peer's process is down)
     */
    boolean sendBatch(SimAgent from, String toAgent, SimAgent.Batch batch) {
        SimAgent to = agents.get(toAgent);
        if (to == null || !to.up()) {
            return false;
        }
        int incarnation = to.incarnation();
        Instant at = arrival(from.id, arrival(toAgent, null));
        world.at(at, "batch " + batch + " -> " + toAgent, () -> {
            if (to.up() && to.incarnation() == incarnation) {
                to.batchArrived(batch);
            }
        });
        return true;
    }

    /** One session stream of one agent process; the coordinator's end is an {@link AgentConnection}. */
    final class Stream implements AgentConnection {
        private final SimAgent agent;
        private final int incarnation;
        private final String address;
        /** What each end believes: a reset or an end reaches the other end one link delay later. */
        private boolean coordinatorOpen = true;
        private boolean agentOpen = true;
        /** Reset in the network: whatever is in flight is lost. */
        private boolean broken;
        private Instant lastToAgent;
        private Instant lastToCoordinator;
        /** The session membership admitted on this stream; null before the Hello arrived. */
        MemberSession session;

        Stream(SimAgent agent, int incarnation, int attempt) {
            this.agent = agent;
            this.incarnation = incarnation;
            this.address = agent.id + "#" + incarnation + "." + attempt;
        }

        private boolean agentAlive() {
            return !broken && agentOpen && agent.up() && agent.incarnation() == incarnation;
        }

        /**
         * The agent's Hello: it reaches membership one delay later, and the Welcome (or the
         * refusal) comes back the same way.
         */
        void hello(Hello hello) {
            lastToCoordinator = arrival(agent.id, lastToCoordinator);
            world.at(lastToCoordinator, "Hello from " + address + " resume=" + !hello.getResumeSessionId().isEmpty(), () -> {
                if (broken || !coordinatorOpen) {
                    return;
                }
                Admission admission = membership.admit(hello, agent.id, ProtocolVersion.MAX, this);
                lastToAgent = arrival(agent.id, lastToAgent);
                if (admission instanceof Admission.Admitted admitted) {
                    session = admitted.session();
                    MemberSession welcome = session;
                    world.at(lastToAgent, "Welcome epoch=" + welcome.epoch() + " resumed=" + welcome.resumed() + " -> "
                            + address, () -> {
                        if (agentAlive()) {
                            agent.welcomed(this, welcome.sessionId(), welcome.epoch().value(), welcome.resumed());
                        }
                    });
                } else {
                    coordinatorOpen = false;
                    world.at(lastToAgent, "Reject -> " + address, () -> {
                        if (agentAlive()) {
                            agentOpen = false;
                            agent.streamLost(this);
                        }
                    });
                }
            });
        }

        @Override
        public boolean send(CoordinatorMessage message) {
            if (!coordinatorOpen) {
                return false;
            }
            lastToAgent = arrival(agent.id, lastToAgent);
            world.at(lastToAgent, message.getBodyCase() + describe(message) + " -> " + address, () -> {
                if (agentAlive()) {
                    agent.received(this, message);
                }
            });
            return true;
        }

        private static String describe(CoordinatorMessage m) {
            return m.hasCommand() ? " " + m.getCommand().getKindCase() + " #" + m.getCommand().getCommandId()
                    + " job_epoch=" + m.getCommand().getJobEpoch() : "";
        }

        @Override
        public void end(String reason) {
            if (!coordinatorOpen) {
                return;
            }
            coordinatorOpen = false;
            lastToAgent = arrival(agent.id, lastToAgent);
            world.at(lastToAgent, "coordinator ended " + address + " (" + reason + ")", () -> {
                if (agentAlive()) {
                    agentOpen = false;
                    agent.streamLost(this);
                }
            });
        }

        @Override
        public boolean isOpen() {
            return coordinatorOpen;
        }

        @Override
        public String remoteAddress() {
            return address;
        }

        @Override
        public boolean tls() {
            return true;
        }

        /** The agent sends a heartbeat or a report; it reaches membership unless the stream ended meanwhile. */
        void fromAgent(String what, Heartbeat heartbeat, Report report) {
            if (!agentOpen) {
                return;
            }
            lastToCoordinator = arrival(agent.id, lastToCoordinator);
            world.at(lastToCoordinator, what + " from " + address, () -> {
                if (!broken && coordinatorOpen && session != null) {
                    if (heartbeat != null) {
                        membership.heartbeat(session, heartbeat);
                    } else {
                        membership.report(session, report);
                    }
                }
            });
        }

        /** The agent's end closes (it gave up on the session, or its process died): the coordinator learns it. */
        void agentEnded(DisconnectCause cause) {
            if (!agentOpen) {
                return;
            }
            agentOpen = false;
            lastToCoordinator = arrival(agent.id, lastToCoordinator);
            world.at(lastToCoordinator, "stream " + address + " ended by the agent (" + cause.label() + ")", () -> {
                if (coordinatorOpen) {
                    coordinatorOpen = false;
                    if (session != null) {
                        membership.streamEnded(session, cause, "simulated");
                    }
                }
            });
        }

        /** Reset in the network: what is in flight is lost, and both ends learn it one delay later. */
        void reset() {
            if (broken) {
                return;
            }
            broken = true;
            world.at(arrival(agent.id, lastToCoordinator), "reset of " + address + " seen by the coordinator", () -> {
                if (coordinatorOpen) {
                    coordinatorOpen = false;
                    if (session != null) {
                        membership.streamEnded(session, DisconnectCause.STREAM_BROKEN, "simulated reset");
                    }
                }
            });
            world.at(arrival(agent.id, lastToAgent), "reset of " + address + " seen by the agent", () -> {
                if (agentOpen && agent.up() && agent.incarnation() == incarnation) {
                    agentOpen = false;
                    agent.streamLost(this);
                }
            });
        }
    }
}
