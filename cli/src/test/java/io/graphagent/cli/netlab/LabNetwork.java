package io.graphagent.cli.netlab;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A routed star in a {@link NetLab}: one router namespace forwarding between nodes, each node
 * (the coordinator, an agent) in a namespace of its own joined to the router by a veth pair
 * on a /24 of its own, {@code 10.213.S.0/24}: the node is {@code .2} on its {@code eth0}, the
 * router {@code .1} on {@code r-NODE}, the node's default route points at the router. Every
 * link starts at {@link #JUMBO} MTU at both ends. Each namespace has a {@link Firewall}; a
 * rule in the router's forward chain acts as a network firewall between nodes. Thread-safe.
 */
public final class LabNetwork {
    /** MTU of every link at start: jumbo frames, as on the data-centre networks the MTU faults mimic. */
    public static final int JUMBO = 9000;
    /** The router side's interface names start with this ({@code r-NODE}). */
    public static final String ROUTER_SIDE = "r-";
    /** The node side's interface name. */
    public static final String NODE_INTERFACE = "eth0";

    /**
     * One node of the star.
     *
     * @param name            short name, e.g. {@code coordinator}, {@code agent-1}
     * @param ns              its namespace
     * @param subnet          S of its {@code 10.213.S.0/24}
     * @param routerInterface the router's end of its link
     * @param firewall        the node's own ruleset
     */
    public record Node(String name, Namespace ns, int subnet, String routerInterface, Firewall firewall) {
        /** The node's address, {@code 10.213.S.2}. */
        public String address() {
            return "10.213." + subnet + ".2";
        }

        /** The router's address on the node's link, {@code 10.213.S.1}: the node's gateway. */
        public String gateway() {
            return "10.213." + subnet + ".1";
        }
    }

    private final NetLab lab;
    private final Namespace router;
    private final Firewall routerFirewall;
    private final Map<String, Node> nodes = new LinkedHashMap<>();

    private LabNetwork(NetLab lab, Namespace router, Firewall routerFirewall) {
        this.lab = lab;
        this.router = router;
        this.routerFirewall = routerFirewall;
    }

    /**
     * Creates the router namespace, forwarding IPv4. Its ICMP errors are not rate-limited: a
     * firewall rule that rejects with ICMP answers every packet, so a doctor run right after an
     * agent's reconnect attempts still gets its unreachable (the kernel's default allows a host
     * about one per second once a burst of six is spent, and a SYN without an answer would read
     * as connect_timeout).
     */
    public static LabNetwork star(NetLab lab) {
        Namespace router = lab.namespace("router");
        router.sysctl("net.ipv4.ip_forward=1");
        router.sysctl("net.ipv4.icmp_ratelimit=0");
        return new LabNetwork(lab, router, Firewall.in(router));
    }

    public Namespace router() {
        return router;
    }

    public Firewall routerFirewall() {
        return routerFirewall;
    }

    /** Adds node {@code name} on {@code 10.213.subnet.0/24}. */
    public synchronized Node add(String name, int subnet) {
        if (subnet < 1 || subnet > 254 || nodes.values().stream().anyMatch(n -> n.subnet() == subnet)) {
            throw new IllegalArgumentException("subnet " + subnet + " is taken or out of 1..254");
        }
        Namespace ns = lab.namespace(name);
        String routerSide = ROUTER_SIDE + name;
        if (routerSide.length() > 15) {
            throw new IllegalArgumentException("node name " + name + " too long for an interface name");
        }
        Shell.run("ip", "link", "add", NODE_INTERFACE, "netns", ns.name(), "mtu", Integer.toString(JUMBO), "type", "veth",
                "peer", "name", routerSide, "netns", router.name(), "mtu", Integer.toString(JUMBO));
        Node node = new Node(name, ns, subnet, routerSide, Firewall.in(ns));
        ns.ip("addr", "add", node.address() + "/24", "dev", NODE_INTERFACE);
        ns.ip("link", "set", NODE_INTERFACE, "up");
        router.ip("addr", "add", node.gateway() + "/24", "dev", routerSide);
        router.ip("link", "set", routerSide, "up");
        ns.ip("route", "add", "default", "via", node.gateway());
        nodes.put(name, node);
        return node;
    }

    /** The node named {@code name}. */
    public Node node(String name) {
        Node node = nodes.get(name);
        if (node == null) {
            throw new IllegalArgumentException("no node " + name + " in the lab; nodes: " + nodes.keySet());
        }
        return node;
    }

    /** Sets the MTU of the router's end of {@code node}'s link (the node's end stays as it is). */
    public void routerSideMtu(Node node, int mtu) {
        router.ip("link", "set", node.routerInterface(), "mtu", Integer.toString(mtu));
    }
}
