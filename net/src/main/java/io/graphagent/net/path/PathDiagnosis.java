package io.graphagent.net.path;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier.Classification;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * A second look at a failed connect, handshake or transfer, at the path itself, for the causes
 * that a failure alone cannot tell apart:
 * <ul>
 *   <li>{@code connect_timeout}: when the routing table puts the address on this host's own link
 *       and nobody answered ARP for it, no firewall dropped anything: the subnet mask is wider than
 *       the network ({@code host_unreachable});</li>
 *   <li>a stall ({@code tls_handshake_timeout}, a call's deadline, a keepalive that failed, a
 *       connection closed before the session opened): a {@link PacketSizes} test of the same port;
 *       small probes answered and a large one lost is {@code path_mtu_blackhole}; a probe that
 *       cannot even connect gives that connect's cause; a connection closed quietly while a
 *       connection that sends nothing is cut well before a server's handshake timeout is
 *       {@code path_idle_timeout};</li>
 * </ul>
 * Anything else, and a test that finds nothing, leaves the classification as it was. Blocks
 * for up to about {@code connectTimeout + wait}: call it off network event loops. Stateless.
 */
public final class PathDiagnosis {

    /** Causes a {@link PacketSizes} test can explain better: the connection stalled or vanished quietly. */
    private static final Set<DisconnectCause> STALLS = Set.of(DisconnectCause.TLS_HANDSHAKE_TIMEOUT,
            DisconnectCause.DEADLINE_EXCEEDED, DisconnectCause.STREAM_BROKEN, DisconnectCause.PEER_CLOSED,
            DisconnectCause.UNKNOWN);

    /** Closed without a word: a crash, or a middlebox cutting a quiet connection. */
    private static final Set<DisconnectCause> QUIET_CLOSES = Set.of(DisconnectCause.PEER_CLOSED,
            DisconnectCause.STREAM_BROKEN);

    private PathDiagnosis() {
    }

    /** Whether {@link #refine} may say more about {@code cause}. */
    public static boolean examines(DisconnectCause cause) {
        return cause == DisconnectCause.CONNECT_TIMEOUT || STALLS.contains(cause);
    }

    /**
     * {@code seen}, refined by looking at the path to {@code address}.
     *
     * @param proc where /proc is (the routing and ARP tables)
     */
    public static Classification refine(Classification seen, InetSocketAddress address, Duration connectTimeout,
            Duration wait, Path proc) {
        if (address.isUnresolved()) {
            return seen;
        }
        if (seen.cause() == DisconnectCause.CONNECT_TIMEOUT) {
            return onLink(seen, address, proc);
        }
        if (!STALLS.contains(seen.cause())) {
            return seen;
        }
        PacketSizes sizes = PacketSizes.test(address, connectTimeout, wait);
        if (sizes.blackHole()) {
            return new Classification(DisconnectCause.PATH_MTU_BLACKHOLE, seen.detail() + "; then " + sizes.describe());
        }
        if (sizes.small().answered() && QUIET_CLOSES.contains(seen.cause())) {
            Optional<Duration> cut = PathProbe.silence(address, connectTimeout, wait.multipliedBy(4).dividedBy(5));
            if (cut.isPresent()) {
                return new Classification(DisconnectCause.PATH_IDLE_TIMEOUT, seen.detail() + "; then a connection that sent"
                        + " nothing was closed after " + cut.get().toMillis() + " ms, well before a graphagent server's"
                        + " handshake timeout (" + wait.toMillis() + " ms here): something on the path cuts quiet connections");
            }
        }
        if (sizes.connectFailure().isPresent()) {
            Classification connect = new Classification(sizes.connectFailure().get(), seen.detail() + "; then "
                    + sizes.describe());
            return connect.cause() == DisconnectCause.CONNECT_TIMEOUT ? onLink(connect, address, proc) : connect;
        }
        return seen;
    }

    private static Classification onLink(Classification seen, InetSocketAddress address, Path proc) {
        RouteTable.Way way = RouteTable.read(proc).to(address.getAddress());
        if (way.unansweredOnLink()) {
            return new Classification(DisconnectCause.HOST_UNREACHABLE, seen.detail() + "; " + way.describe());
        }
        return seen;
    }
}
