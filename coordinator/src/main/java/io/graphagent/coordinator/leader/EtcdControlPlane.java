package io.graphagent.coordinator.leader;

import io.etcd.jetcd.KeyValue;
import io.graphagent.coordinator.etcd.EtcdConnection;
import io.graphagent.coordinator.etcd.EtcdException;
import io.graphagent.coordinator.etcd.EtcdProbe;
import io.graphagent.coordinator.etcd.ProtoText;
import io.graphagent.coordinator.session.ControlPlaneView;
import io.graphagent.protocol.LeaderTerm;
import io.graphagent.protocol.v1.ControlPlane;
import io.graphagent.protocol.v1.ControlPlaneMember;
import io.graphagent.protocol.v1.StoredCoordinator;
import io.graphagent.protocol.v1.StoredLeader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The control plane of the etcd store as one coordinator shows it in Status: whether it leads,
 * the leader (from the leader key), every coordinator registered under coordinators/, and
 * whether etcd answers. Reads etcd on each call (bounded by the connection's timeout; a
 * failed read shows the coordinators as unknown and says why). Thread-safe.
 */
final class EtcdControlPlane implements ControlPlaneView {

    private final EtcdConnection etcd;
    private final LeaderElection election;
    private final EtcdHealthWatch health;

    EtcdControlPlane(EtcdConnection etcd, LeaderElection election, EtcdHealthWatch health) {
        this.etcd = etcd;
        this.election = election;
        this.health = health;
    }

    @Override
    public LeaderTerm term() {
        return election.leadership().map(Leadership::term)
                .orElse(election.leader().map(l -> LeaderTerm.of(l.getTerm())).orElse(LeaderTerm.NONE));
    }

    @Override
    public String store() {
        return "etcd";
    }

    /**
     * The etcd health watch's verdict (a lost quorum is known within a second and a call of its
     * loss). While it says lost, one bounded quorum read decides, since the watch's last probe
     * may predate etcd's return: answered, the job is admitted.
     */
    @Override
    public String admissionProblem() {
        String known = health.problem();
        if (known.isEmpty()) {
            return "";
        }
        try {
            etcd.await(etcd.kv().get(EtcdConnection.bytes(etcd.keys().leader())), EtcdProbe.QUORUM_READ);
            return "";
        } catch (EtcdException e) {
            return known;
        }
    }

    @Override
    public String coordinatorId() {
        return election.self().getCoordinatorId();
    }

    @Override
    public ControlPlane controlPlane() {
        Optional<StoredLeader> leader = election.leader();
        ControlPlane.Builder plane = ControlPlane.newBuilder()
                .setLeading(election.leadership().isPresent())
                .setLeaderTerm(leader.map(StoredLeader::getTerm).orElse(0L))
                .setLeaderAddress(leader.map(StoredLeader::getAddress).orElse(""))
                .setLeaderId(leader.map(StoredLeader::getCoordinatorId).orElse(""))
                .setLeaderSinceMs(leader.map(StoredLeader::getElectedTimeMs).orElse(0L))
                .addAllEtcdEndpoints(etcd.config().endpoints());
        String problem = health.problem();
        if (problem.isEmpty() && !election.etcdProblem().isEmpty()) {
            problem = election.etcdProblem();
        }
        plane.setEtcdHealthy(problem.isEmpty()).setEtcdProblem(problem);
        try {
            List<StoredCoordinator> members = new ArrayList<>();
            for (KeyValue kv : etcd.getPrefix(etcd.keys().coordinators(), "list the coordinators").getKvs()) {
                members.add(ProtoText.parse(EtcdConnection.text(kv.getKey()), EtcdConnection.text(kv.getValue()),
                        StoredCoordinator.newBuilder()).build());
            }
            String leaderId = plane.getLeaderId();
            members.sort(Comparator.comparing((StoredCoordinator c) -> !c.getCoordinatorId().equals(leaderId))
                    .thenComparing(StoredCoordinator::getCoordinatorId));
            for (StoredCoordinator c : members) {
                plane.addMembers(ControlPlaneMember.newBuilder().setCoordinatorId(c.getCoordinatorId())
                        .setAddress(c.getAddress()).setAdminAddress(c.getAdminAddress())
                        .setRole(c.getCoordinatorId().equals(leaderId) ? "leader" : "standby")
                        .setStartedTimeMs(c.getStartedTimeMs()));
            }
        } catch (EtcdException e) {
            // A known lost quorum is the cause; the failed listing is only its symptom.
            plane.setEtcdHealthy(false).setEtcdProblem(problem.isEmpty() ? e.getMessage() : problem);
        }
        return plane.build();
    }
}
