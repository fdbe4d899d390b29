package io.graphagent.net.path;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier.Classification;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's tables as /proc prints them, in fixture files: the route chosen and whether ARP was answered. */
class RouteTableTest {
    @TempDir
    Path proc;

    private static final String HEADER = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

    private void tables(String routes, String arp) throws Exception {
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net/route"), HEADER + routes);
        Files.writeString(proc.resolve("net/arp"), "IP address       HW type     Flags       HW address            Mask     Device\n" + arp);
    }

    @Test
    void aDefaultRouteGoesThroughTheGatewayAndTheLongestPrefixWins() throws Exception {
        // default via 10.213.12.1; 10.213.12.0/24 on-link
        tables("eth0\t00000000\t010CD50A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
                + "eth0\t000CD50A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n", "");
        RouteTable table = RouteTable.read(proc);
        RouteTable.Way far = table.to(RouteTable.address("10.213.1.2"));
        assertThat(far.describe()).isEqualTo("10.213.1.2 is reached through the gateway 10.213.12.1 on eth0 (default)");
        assertThat(table.to(RouteTable.address("10.213.12.7")).route().orElseThrow().network()).isEqualTo("10.213.12.0/24");
    }

    @Test
    void noRouteAtAllIsSaid() throws Exception {
        tables("eth0\t000CD50A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n", "");
        assertThat(RouteTable.read(proc).to(RouteTable.address("10.213.1.2")).describe())
                .isEqualTo("this host has no route to 10.213.1.2 (no matching entry, no default route)");
    }

    @Test
    void aMaskWiderThanTheNetworkPutsARemoteAddressOnLinkWhereNobodyAnswersArp() throws Exception {
        // 10.213.0.0/16 on-link (the mask should have been /24); ARP for 10.213.1.2 incomplete (flags 0x0).
        tables("eth0\t00000000\t010CD50A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
                + "eth0\t0000D50A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n",
                "10.213.1.2       0x1         0x0         00:00:00:00:00:00     *        eth0\n");
        RouteTable.Way way = RouteTable.read(proc).to(RouteTable.address("10.213.1.2"));
        assertThat(way.unansweredOnLink()).isTrue();
        assertThat(way.describe()).isEqualTo("10.213.1.2 is on this host's link eth0 (10.213.0.0/16), reached by ARP,"
                + " which nobody answered");
        Classification timedOut = new Classification(DisconnectCause.CONNECT_TIMEOUT, "connection timed out");
        Classification refined = PathDiagnosis.refine(timedOut, new InetSocketAddress("10.213.1.2", 7400),
                Duration.ofMillis(1), Duration.ofMillis(1), proc);
        assertThat(refined.cause()).isEqualTo(DisconnectCause.HOST_UNREACHABLE);
        assertThat(refined.detail()).isEqualTo("connection timed out; " + way.describe());
    }

    @Test
    void anAnsweredNeighbourLeavesAConnectTimeoutAlone() throws Exception {
        tables("eth0\t0000D50A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n",
                "10.213.1.2       0x1         0x2         02:00:00:00:00:01     *        eth0\n");
        Classification timedOut = new Classification(DisconnectCause.CONNECT_TIMEOUT, "connection timed out");
        assertThat(PathDiagnosis.refine(timedOut, new InetSocketAddress("10.213.1.2", 7400), Duration.ofMillis(1),
                Duration.ofMillis(1), proc)).isEqualTo(timedOut);
    }
}
