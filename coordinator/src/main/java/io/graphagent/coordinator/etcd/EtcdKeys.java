package io.graphagent.coordinator.etcd;

import java.util.Objects;

/**
 * Where a cluster's control plane lives in etcd, all under {@code /graphagent/CLUSTER/}:
 *
 * <pre>
 * leader                 the leading coordinator (StoredLeader), bound to its election lease
 * term                   the last leader term handed out (decimal)
 * coordinators/ID        every running coordinator (StoredCoordinator), each bound to its own lease
 * agents/ID              every ALIVE agent (RegisteredAgent), bound to the leader's registry lease
 * sessions/ID            every live session (StoredSession), kept until DEAD or LEFT
 * epochs                 the session-epoch ceiling (decimal): epochs up to it may have been handed out
 * known-agents/ID        every agent id that ever had a session (empty value)
 * jobs/job-N             every job (StoredJob)
 * graphs/NAME            every resident graph (StoredGraph)
 * </pre>
 *
 * Values are protobuf text format on one line (readable with {@code etcdctl get --prefix
 * /graphagent/}) or decimal numbers. Immutable.
 */
public record EtcdKeys(String clusterId) {

    /** Root of every graphagent key. */
    public static final String ROOT = "/graphagent/";

    public EtcdKeys {
        Objects.requireNonNull(clusterId, "clusterId");
    }

    /** {@code /graphagent/CLUSTER/}. */
    public String prefix() {
        return ROOT + clusterId + "/";
    }

    public String leader() {
        return prefix() + "leader";
    }

    public String term() {
        return prefix() + "term";
    }

    public String coordinators() {
        return prefix() + "coordinators/";
    }

    public String coordinator(String id) {
        return coordinators() + id;
    }

    public String agents() {
        return prefix() + "agents/";
    }

    public String agent(String id) {
        return agents() + id;
    }

    public String sessions() {
        return prefix() + "sessions/";
    }

    public String session(String agentId) {
        return sessions() + agentId;
    }

    public String epochs() {
        return prefix() + "epochs";
    }

    public String knownAgents() {
        return prefix() + "known-agents/";
    }

    public String knownAgent(String id) {
        return knownAgents() + id;
    }

    public String jobs() {
        return prefix() + "jobs/";
    }

    public String job(String jobId) {
        return jobs() + jobId;
    }

    public String graphs() {
        return prefix() + "graphs/";
    }

    public String graph(String name) {
        return graphs() + name;
    }

    /** The last path element of {@code key}: the id of a coordinators/, agents/, sessions/ or jobs/ key. */
    public static String lastElement(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
