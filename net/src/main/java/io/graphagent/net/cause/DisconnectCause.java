package io.graphagent.net.cause;

import java.util.Locale;

/**
 * The one vocabulary of reasons a connection failed or ended. The same constant labels a log
 * line ({@code cause=tls_unknown_ca}), a metric ({@link #label()}), a membership event, an
 * agent's exit message and a {@code doctor} verdict ({@link #explanation()}), so an operator
 * who sees one of them can search for the others.
 *
 * <p>{@link #retryable()} says whether reconnecting can help without someone changing
 * something: a refused certificate or an unsupported protocol version stays refused, so an
 * agent exits instead of looping.
 */
public enum DisconnectCause {
    /** The host name does not resolve. */
    NAME_RESOLUTION_FAILED(true,
            "the host name does not resolve: check the address for typos and the DNS or /etc/hosts entry"),
    /** TCP connect refused: the host answered, nothing listens on the port (or a firewall rejects it). */
    CONNECTION_REFUSED(true,
            "nothing listens on that port, or a firewall rejects it: start the server or correct the port; if it runs, look for a firewall rule that rejects the port"),
    /** TCP connect got no answer at all, typically a firewall dropping packets. */
    CONNECT_TIMEOUT(true,
            "no answer to the TCP connect (packets dropped): open the port in the firewall or security group, or check the address"),
    /**
     * This host has no route to the address (ENETUNREACH): its routing table has none, e.g. a
     * removed default route, or a subnet mask that leaves the gateway off-link.
     */
    NETWORK_UNREACHABLE(true,
            "this host has no route to the address: add the route or default gateway (`ip route`), and check the interface's address and subnet mask (`ip addr`)"),
    /**
     * No route to host (EHOSTUNREACH): nobody answered ARP for the address on this host's link
     * (it believes the address on-link: a subnet mask wider than the network), or a router or
     * firewall answered with ICMP host unreachable or administratively prohibited.
     */
    HOST_UNREACHABLE(true,
            "the address cannot be reached: if it is on another subnet, this host's subnet mask is too wide (it looks for the address on its own link instead of using its gateway: check `ip addr`); else the host is down, or a firewall rejects the traffic with ICMP"),
    /**
     * Small packets pass but large ones are lost on the path: a link with a smaller MTU than the
     * endpoints', and ICMP "fragmentation needed" blocked, so TCP never learns to send smaller
     * segments (a path-MTU black hole). TLS handshakes and large transfers stall.
     */
    PATH_MTU_BLACKHOLE(true,
            "small packets pass but large ones are lost on the path (an MTU black hole): give every link on the path the same MTU, let ICMP type 3 code 4 (fragmentation needed) through firewalls, or clamp the TCP MSS on the router (nft: tcp flags syn tcp option maxseg size set rt mtu)"),
    /**
     * A middlebox on the path (proxy, load balancer, NAT) closes a connection after it has been
     * quiet for a fixed time, shorter than the traffic interval on it.
     */
    PATH_IDLE_TIMEOUT(true,
            "a proxy, load balancer or NAT on the path cuts connections that are quiet for a while, sooner than the heartbeats or keepalives cross it: raise its idle timeout, or lower session.heartbeat-interval and grpc.keepalive-time below it (declare it as network.proxy-idle-timeout and run `graphagent config check`)"),
    /** An established TCP connection was reset by the peer or a middlebox. */
    CONNECTION_RESET(true,
            "the connection was reset: the peer crashed or restarted, or a firewall/load balancer cut it; check the peer's log"),
    /** TCP connected but the TLS handshake did not finish in time. */
    TLS_HANDSHAKE_TIMEOUT(true,
            "TCP connected but the TLS handshake got no answer in time: the port may belong to another service or a proxy holds it; check the address, or raise the handshake timeout on a slow link"),
    /** A certificate or key file is missing, unreadable, not PEM, or the key does not match. */
    TLS_FILES_UNUSABLE(false,
            "a certificate or key file is missing, unreadable, not PEM, or the key does not belong to the certificate: run `graphagent doctor`, which names the file"),
    /** Generic TLS handshake failure that carries no more specific reason. */
    TLS_HANDSHAKE_FAILED(false,
            "the TLS handshake failed: run `graphagent doctor` on both sides' certificate files and compare TLS versions"),
    /** A certificate is not signed by a CA the verifying side trusts. */
    TLS_UNKNOWN_CA(false,
            "a certificate is not signed by the CA the other side trusts: give both sides ca.pem and certificates from the same `graphagent certs init` (or append a missing intermediate CA to the certificate file)"),
    /** The certificate file lacks the intermediate CA that links it to the trusted root. */
    TLS_CHAIN_INCOMPLETE(false,
            "the certificate chain is incomplete or out of order: put the leaf certificate first in the certificate file, followed by each intermediate CA up to the root"),
    /** A certificate's notAfter has passed. */
    TLS_CERT_EXPIRED(false,
            "a certificate has expired: issue new certificates (`graphagent certs init --overwrite`) and check the machine clock"),
    /** A certificate's notBefore is still in the future, usually clock skew. */
    TLS_CERT_NOT_YET_VALID(false,
            "a certificate is not valid yet: the clock of one machine is behind (fix NTP) or the certificate was issued with a future start date"),
    /** The server certificate's subject alternative names do not cover the address dialled. */
    TLS_HOSTNAME_MISMATCH(false,
            "the server certificate does not name the address dialled: dial a name in its SANs or reissue it with `graphagent certs init --host NAME`"),
    /** The server requires a client certificate and the client presented none. */
    TLS_CLIENT_CERT_MISSING(false,
            "the client presented no certificate but the server requires one: pass --certs DIR (or --cert/--key) to the client"),
    /** The server refused the certificate the client presented. */
    TLS_CLIENT_CERT_REFUSED(false,
            "the server refused the client certificate: issue the client certificate from the cluster CA the server trusts (`graphagent doctor` names the reason)"),
    /** The client refused the certificate this server presented (seen from the server). */
    TLS_SERVER_CERT_REFUSED(false,
            "the client refused this server's certificate: the client's log names the reason; check that both sides use the same ca.pem"),
    /** We spoke TLS and the peer answered in plaintext. */
    TLS_TO_PLAINTEXT_PORT(false,
            "TLS was spoken to a plaintext port: the server runs with --insecure; run both sides with TLS or both with --insecure"),
    /** We spoke plaintext to a port that expects TLS. */
    PLAINTEXT_TO_TLS_PORT(false,
            "plaintext was spoken to a TLS port: the client runs with --insecure but the server requires TLS; give the client --certs DIR"),
    /** No common protocol version between agent and coordinator. */
    PROTOCOL_VERSION_UNSUPPORTED(false,
            "the peers have no protocol version in common: upgrade the older side to a release whose version range overlaps"),
    /** The coordinator refused the agent's identity. */
    IDENTITY_REFUSED(false,
            "the coordinator refused this agent's identity: the certificate subject must be a known agent name (CN=agent-N)"),
    /** Another live session already uses this agent id. */
    DUPLICATE_AGENT(true,
            "another agent with the same id is connected: give each agent its own certificate, or stop the duplicate"),
    /** The peer belongs to another cluster. */
    CLUSTER_MISMATCH(false,
            "the peer belongs to another cluster: point the agent at its own coordinator and certificates"),
    /** The server closed the connection with GOAWAY ENHANCE_YOUR_CALM too_many_pings. */
    KEEPALIVE_TOO_MANY_PINGS(true,
            "the server closed the connection for too many keepalive pings: raise the client keepalive time to at least the server's permitted keepalive time (`graphagent config check`)"),
    /** The agent's lease ran out before a heartbeat renewed it. */
    LEASE_EXPIRED(true,
            "the lease expired before a heartbeat arrived: look for long GC pauses, a saturated network, or a lease-ttl below 3 x heartbeat-interval"),
    /** An established stream broke without a more specific reason. */
    STREAM_BROKEN(true,
            "the stream broke: the network dropped or the peer stopped; the reconnect with backoff follows"),
    /** An agent's stream broke and its data port refuses connections: its process is gone. */
    PROCESS_EXITED(true,
            "the agent's stream broke and nothing listens on its data port any more: its process exited or was killed; restart it (its supervisor, `graphagent local`, or by hand)"),
    /**
     * The peer closed the connection or stream in an orderly way, or reset a call under way
     * (a server shutting down: a coordinator stepping down or stopping).
     */
    PEER_CLOSED(true,
            "the peer closed the connection or cut the call: it shut down, restarted, or (a coordinator) stepped down"),
    /** A message from an older session epoch was refused. */
    FENCED(false,
            "a message from an older session epoch was refused: the agent was declared dead (long pause?) and must rejoin"),
    /** A call's deadline passed before an answer came. */
    DEADLINE_EXCEEDED(true,
            "a call's deadline passed: the peer or the network is slow or stuck; check the peer's load and the deadline setting"),
    /**
     * The coordinator dialled does not lead (a standby of the etcd store) and refused: an agent
     * follows it to the leader it names; a client's call is refused ({@link NotLeaderRefusal}).
     */
    NOT_LEADER(true,
            "the coordinator dialled is a standby: an agent follows it to the leader, a client calls the leader (--coordinator LEADER, or --etcd); list every coordinator in --coordinator (or pass --etcd) so a new leader is found; when none leads, etcd has lost its quorum or an election is under way"),
    /** A coordinator of an older leader term than one already seen spoke: it was deposed (a pause, a partition) and is refused. */
    STALE_LEADER(true,
            "a coordinator of an older leader term answered: it lost its etcd lease (paused or cut off) and no longer leads; the agent refuses it and finds the current leader"),
    /** Nothing more specific could be said. */
    UNKNOWN(true,
            "an unclassified failure: run `graphagent doctor` and look at the log line's detail");

    private final boolean retryable;
    private final String explanation;
    private final String label;

    DisconnectCause(boolean retryable, String explanation) {
        this.retryable = retryable;
        this.explanation = explanation;
        this.label = name().toLowerCase(Locale.ROOT);
    }

    /** Stable lower-case label for metrics and log lines, e.g. {@code tls_unknown_ca}. */
    public String label() {
        return label;
    }

    /** One line saying what went wrong and how to fix it, for exit messages and {@code doctor}. */
    public String explanation() {
        return explanation;
    }

    /** Whether reconnecting may succeed without anyone changing configuration or files. */
    public boolean retryable() {
        return retryable;
    }

    /** True for causes of a failed TLS handshake (certificates, timeouts, TLS/plaintext mix-ups). */
    public boolean isTls() {
        return name().startsWith("TLS_") || this == PLAINTEXT_TO_TLS_PORT;
    }

    /**
     * The constant for a {@link #label()}; unknown labels map to {@link #UNKNOWN} so that a
     * newer peer's label never breaks an older reader.
     */
    public static DisconnectCause fromLabel(String label) {
        for (DisconnectCause cause : values()) {
            if (cause.label.equals(label)) {
                return cause;
            }
        }
        return UNKNOWN;
    }
}
