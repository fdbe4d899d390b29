package io.graphagent.ops.doctor;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.path.RouteTable;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code route} check: how this host's routing table reaches the coordinator (through a
 * gateway, on its own link, or not at all) and, on its own link, whether anyone answered ARP.
 * Read right after the TCP connect, so the ARP entry is the connect's own. It also explains a
 * failed connect: a timeout toward an on-link address nobody answers is no firewall but a
 * subnet mask wider than the network ({@code host_unreachable}). Immutable.
 */
final class RouteCheck {
    static final String NAME = "route";

    private final InetAddress address;
    private final Optional<RouteTable.Way> way;

    private RouteCheck(InetAddress address, Optional<RouteTable.Way> way) {
        this.address = address;
        this.way = way;
    }

    /** Looks {@code address} up in {@code proc}'s tables; loopback and this host's own addresses need no route. */
    static RouteCheck of(Path proc, InetAddress address) {
        if (address.isLoopbackAddress() || local(address)) {
            return new RouteCheck(address, Optional.empty());
        }
        RouteTable table = RouteTable.read(proc);
        return new RouteCheck(address, table.known() ? Optional.of(table.to(address)) : Optional.empty());
    }

    /** The route line. */
    CheckResult result() {
        if (way.isEmpty()) {
            return address.isLoopbackAddress() || local(address)
                    ? CheckResult.pass(NAME, address.getHostAddress() + " is an address of this host")
                    : CheckResult.skipped(NAME, "no IPv4 routing table to read (not Linux, or an IPv6 address)");
        }
        RouteTable.Way w = way.get();
        if (w.route().isEmpty()) {
            return CheckResult.fail(NAME, DisconnectCause.NETWORK_UNREACHABLE, w.describe());
        }
        if (w.unansweredOnLink()) {
            return CheckResult.fail(NAME, DisconnectCause.HOST_UNREACHABLE, w.describe()
                    + ": if " + address.getHostAddress() + " is on another subnet, the mask of " + w.route().get().device()
                    + " is too wide and this host never asks its gateway");
        }
        return CheckResult.pass(NAME, w.describe());
    }

    /** A failed {@code tcp-connect} line, its cause corrected when the tables explain a timeout. */
    CheckResult explainConnect(CheckResult connect) {
        if (connect.cause().equals(Optional.of(DisconnectCause.CONNECT_TIMEOUT)) && way.isPresent()
                && way.get().unansweredOnLink()) {
            return CheckResult.fail(connect.check(), DisconnectCause.HOST_UNREACHABLE, connect.measured()
                    + "; nobody answered ARP for it on " + way.get().route().get().device() + " (see route)");
        }
        return connect;
    }

    private static boolean local(InetAddress address) {
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
