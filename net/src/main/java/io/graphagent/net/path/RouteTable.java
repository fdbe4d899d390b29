package io.graphagent.net.path;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How this host (this network namespace) reaches an IPv4 address, from the kernel's main
 * routing table ({@code /proc/net/route}) and neighbour table ({@code /proc/net/arp}): no route
 * at all, on-link (the address is inside an interface's subnet, so the host asks for it by ARP
 * on that link), or through a gateway. Explains "network is unreachable" (no route) and a
 * connect that times out because nobody answers ARP (a subnet mask wider than the network).
 * Immutable; read afresh each time it is needed.
 */
public final class RouteTable {

    /** One line of the routing table. */
    public record Route(String device, int destination, int mask, int gateway, int metric) {
        boolean matches(int address) {
            return (address & mask) == destination;
        }

        /** The destination as {@code 10.213.0.0/16}, or {@code default}. */
        public String network() {
            return mask == 0 ? "default" : dotted(destination) + "/" + Integer.bitCount(mask);
        }

        public boolean onLink() {
            return gateway == 0;
        }

        public String gatewayAddress() {
            return dotted(gateway);
        }
    }

    /** How an address is reached: the route chosen (longest prefix, then lowest metric), if any. */
    public record Way(int address, Optional<Route> route, Optional<Boolean> neighbourAnswers) {
        public String describe() {
            if (route.isEmpty()) {
                return "this host has no route to " + dotted(address) + " (no matching entry, no default route)";
            }
            Route r = route.get();
            if (r.onLink()) {
                return dotted(address) + " is on this host's link " + r.device() + " (" + r.network() + "), reached by ARP"
                        + neighbourAnswers.map(ok -> ok ? ", which answered" : ", which nobody answered").orElse("");
            }
            return dotted(address) + " is reached through the gateway " + r.gatewayAddress() + " on " + r.device() + " ("
                    + r.network() + ")";
        }

        /** On-link, and the neighbour entry is incomplete or failed: nothing answered ARP. */
        public boolean unansweredOnLink() {
            return route.map(Route::onLink).orElse(false) && neighbourAnswers.map(ok -> !ok).orElse(false);
        }
    }

    private final List<Route> routes;
    private final List<String> arp;

    private RouteTable(List<Route> routes, List<String> arp) {
        this.routes = routes;
        this.arp = arp;
    }

    /** Reads {@code proc/net/route} and {@code proc/net/arp}; empty tables where they cannot be read. */
    public static RouteTable read(Path proc) {
        List<Route> routes = new ArrayList<>();
        for (String line : lines(proc.resolve("net/route"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || f[0].equals("Iface")) {
                continue;
            }
            try {
                int flags = Integer.parseInt(f[3], 16);
                if ((flags & 1) == 0) {
                    continue; // RTF_UP not set
                }
                routes.add(new Route(f[0], hostOrder(f[1]), hostOrder(f[7]), hostOrder(f[2]), Integer.parseInt(f[6])));
            } catch (NumberFormatException e) {
                // A line of another format: skip it.
            }
        }
        return new RouteTable(List.copyOf(routes), lines(proc.resolve("net/arp")));
    }

    /** Whether the table could be read at all (not on Linux, or no /proc: nothing to say). */
    public boolean known() {
        return !routes.isEmpty();
    }

    /** How {@code address} is reached; IPv6 addresses are not looked up (empty route, unknown neighbour). */
    public Way to(InetAddress address) {
        if (!(address instanceof Inet4Address v4)) {
            return new Way(0, Optional.empty(), Optional.empty());
        }
        byte[] b = v4.getAddress();
        int a = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        Route best = null;
        for (Route r : routes) {
            if (r.matches(a) && (best == null || Integer.bitCount(r.mask()) > Integer.bitCount(best.mask())
                    || (Integer.bitCount(r.mask()) == Integer.bitCount(best.mask()) && r.metric() < best.metric()))) {
                best = r;
            }
        }
        Optional<Boolean> neighbour = Optional.empty();
        if (best != null && best.onLink()) {
            neighbour = neighbour(dotted(a));
        }
        return new Way(a, Optional.ofNullable(best), neighbour);
    }

    /** From /proc/net/arp: true for a complete entry, false for an incomplete or failed one, empty for none. */
    private Optional<Boolean> neighbour(String ip) {
        for (String line : arp) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].equals(ip)) {
                return Optional.of((Integer.parseInt(f[2].replace("0x", ""), 16) & 0x2) != 0);
            }
        }
        return Optional.empty();
    }

    /** /proc/net/route writes addresses as host-order (little-endian) hex. */
    private static int hostOrder(String hex) {
        return Integer.reverseBytes((int) Long.parseLong(hex, 16));
    }

    static String dotted(int a) {
        return ((a >>> 24) & 0xff) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    /** The address as an {@link InetAddress}, for tests. */
    static InetAddress address(String dotted) {
        try {
            return InetAddress.getByName(dotted);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(dotted, e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
