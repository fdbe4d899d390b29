package io.graphagent.protocol;

import io.graphagent.protocol.v1.Reject;
import io.graphagent.protocol.v1.RejectReason;

/**
 * Picks the protocol version of a session: the highest version both the agent and the
 * coordinator speak. When the ranges do not overlap the outcome is a refusal whose message
 * names both ranges and which side to upgrade; it is never retryable, since the same two
 * builds will never agree. Stateless and thread-safe.
 */
public final class VersionNegotiation {

    private VersionNegotiation() {
    }

    /** The side that must change for two ranges to overlap. */
    public enum Side { AGENT, COORDINATOR }

    /** The outcome of {@link #choose}. */
    public sealed interface Outcome permits Agreed, Refused {
    }

    /** Both sides speak {@code version}, the highest they have in common. */
    public record Agreed(int version) implements Outcome {
    }

    /**
     * No common version.
     *
     * @param message one line for the agent's exit message and the coordinator's log,
     *                naming both ranges and the fix
     * @param upgrade the side whose build is too old (for a malformed agent range: the agent)
     */
    public record Refused(String message, Side upgrade,
                          int coordinatorMin, int coordinatorMax) implements Outcome {

        /** The {@code Reject} the coordinator sends for this refusal: not retryable. */
        public Reject toReject() {
            return Reject.newBuilder()
                    .setReason(RejectReason.VERSION_UNSUPPORTED)
                    .setMessage(message)
                    .setRetryable(false)
                    .setCoordinatorProtocolMin(coordinatorMin)
                    .setCoordinatorProtocolMax(coordinatorMax)
                    .build();
        }
    }

    /** Negotiates an agent's range against this build's coordinator range. */
    public static Outcome choose(int agentMin, int agentMax) {
        return choose(agentMin, agentMax, ProtocolVersion.MIN, ProtocolVersion.MAX);
    }

    /**
     * Chooses the highest version in both {@code [agentMin, agentMax]} and
     * {@code [coordinatorMin, coordinatorMax]}.
     *
     * <p>The agent's range comes off the wire, so a malformed one (zero, as when an agent
     * leaves the fields unset, or min above max) is a refusal, not an exception.
     *
     * @throws IllegalArgumentException if the coordinator's own range is malformed (a bug)
     */
    public static Outcome choose(int agentMin, int agentMax, int coordinatorMin, int coordinatorMax) {
        if (coordinatorMin < 1 || coordinatorMax < coordinatorMin) {
            throw new IllegalArgumentException("coordinator protocol range "
                    + ProtocolVersion.describe(coordinatorMin, coordinatorMax) + " is malformed");
        }
        String agent = ProtocolVersion.describe(agentMin, agentMax);
        String coordinator = ProtocolVersion.describe(coordinatorMin, coordinatorMax);
        if (agentMin < 1 || agentMax < agentMin) {
            return new Refused("agent sent a malformed protocol range " + agent
                    + " (coordinator speaks " + coordinator + "): its Hello must set "
                    + "1 <= protocol_min <= protocol_max; run an agent build that speaks "
                    + coordinator, Side.AGENT, coordinatorMin, coordinatorMax);
        }
        int highestCommon = Math.min(agentMax, coordinatorMax);
        int lowestCommon = Math.max(agentMin, coordinatorMin);
        if (lowestCommon <= highestCommon) {
            return new Agreed(highestCommon);
        }
        if (agentMax < coordinatorMin) {
            return new Refused("agent speaks protocol versions " + agent + ", coordinator "
                    + coordinator + ": no common version. Upgrade the agent to a build that speaks "
                    + versions(coordinatorMin, coordinatorMax)
                    + " (or run a coordinator build that still speaks " + agentMax + ")",
                    Side.AGENT, coordinatorMin, coordinatorMax);
        }
        return new Refused("agent speaks protocol versions " + agent + ", coordinator "
                + coordinator + ": no common version. Upgrade the coordinator to a build that speaks "
                + versions(agentMin, agentMax)
                + " (or run an agent build that still speaks " + coordinatorMax + ")",
                Side.COORDINATOR, coordinatorMin, coordinatorMax);
    }

    private static String versions(int min, int max) {
        return min == max ? "version " + min : "a version in " + ProtocolVersion.describe(min, max);
    }
}
