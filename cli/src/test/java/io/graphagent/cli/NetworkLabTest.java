package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.cli.netlab.Firewall;
import io.graphagent.cli.netlab.LabNetwork;
import io.graphagent.cli.netlab.NetLab;
import io.graphagent.cli.netlab.NetLabExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every network cause of an agent drop, reproduced for real in a {@link NetLab}: a coordinator
 * and two agents, each a JVM in a network namespace of its own, joined through a router
 * namespace; faults are nftables rules, MTUs and routes in those namespaces. Each case
 * measures what graphagent reports (detection time, the cause in the event log, the logs and
 * the metrics) and what {@code doctor} prints inside the agent's namespace with its
 * certificates, then heals the network and waits for the cluster to be whole again, so the
 * cases share one cluster.
 */
@ExtendWith(NetLabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkLabTest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration HEAL = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static LabCluster cluster;

    @BeforeAll
    static void startCluster(NetLab lab) throws Exception {
        LabNetwork net = LabNetwork.star(lab);
        cluster = LabCluster.prepare(net, dir, 2, List.of());
        cluster.startCoordinator(START);
        cluster.startAgent("agent-1");
        cluster.startAgent("agent-2");
        cluster.awaitAlive(START, "agent-1", "agent-2");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(120)
    void aFirewallDroppingTheSessionPortExpiresTheLeaseAndTheAgentSeesConnectTimeouts() throws Exception {
        LabNetwork.Node agent = cluster.node("agent-2");
        Instant cut = Instant.now();
        try (Firewall.Rule rule = cluster.network().routerFirewall().add(Firewall.Chain.FORWARD,
                "ip saddr " + agent.address() + " tcp dport " + LabCluster.PORT + " drop")) {
            CoordinatorEvents.Event dead = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> cluster.events().first(e -> e.agentBecame("agent-2", "DEAD"), cut), java.util.Optional::isPresent)
                    .get();
            System.out.println("DEAD after " + Duration.between(cut, dead.time()).toMillis() + " ms cause " + dead.cause());
            LabCluster.Run doctor = cluster.doctor("agent-2", cluster.coordinatorAddress());
            System.out.println(cluster.logLines("agent-2", "cause="));
            assertThat(dead.cause()).isEqualTo("lease_expired");
        }
        cluster.awaitAlive(HEAL, "agent-1", "agent-2");
    }
}
