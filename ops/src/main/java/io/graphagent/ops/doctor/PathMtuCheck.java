package io.graphagent.ops.doctor;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.path.PathProbe;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@code path-mtu} check: {@link PathProbe}s of growing size to the coordinator's port,
 * each sent as one TCP segment (packets of {@link #PACKETS} bytes up to this host's link MTU),
 * both ways, all at once. Small ones answered and large ones lost is an MTU black hole: a hop
 * with a smaller MTU whose ICMP "fragmentation needed" never comes back, so TCP keeps sending
 * segments that vanish; TLS handshakes (a certificate flight is a few KiB) and large messages
 * stall while heartbeats pass. It names the largest packet that passes each way and this
 * host's link MTU, and then explains a stalled handshake or Hello ({@link #explain}).
 */
final class PathMtuCheck {
    static final String NAME = "path-mtu";
    /** IP packet sizes probed: the IPv4 minimum, IPv6's, a common tunnel MTU, Ethernet, and jumbo sizes. */
    static final int[] PACKETS = {576, 1280, 1400, 1500, 4000, 9000};
    /** IPv4 (20) + TCP (20) + the timestamp option (12): a payload of N bytes is a packet of N + 52. */
    static final int HEADERS = 52;
    private static final Set<DisconnectCause> STALLS = Set.of(DisconnectCause.TLS_HANDSHAKE_TIMEOUT,
            DisconnectCause.DEADLINE_EXCEEDED, DisconnectCause.PEER_CLOSED, DisconnectCause.STREAM_BROKEN);

    private final CheckResult result;

    private PathMtuCheck(CheckResult result) {
        this.result = result;
    }

    /** Runs the probes; takes about as long as the slowest answer, or {@code options.handshakeTimeout()} when some are lost. */
    static PathMtuCheck run(DoctorOptions options, InetSocketAddress address) {
        int linkMtu = linkMtu(address);
        List<Integer> packets = new ArrayList<>();
        for (int p : PACKETS) {
            if (p <= linkMtu && p - HEADERS <= PathProbe.MAX_BYTES) {
                packets.add(p);
            }
        }
        List<CompletableFuture<PathProbe.Exchange>> up = new ArrayList<>();
        List<CompletableFuture<PathProbe.Exchange>> down = new ArrayList<>();
        try (ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int p : packets) {
                int payload = p - HEADERS;
                up.add(CompletableFuture.supplyAsync(() -> PathProbe.exchange(address, payload, PathProbe.HEADER_BYTES,
                        options.connectTimeout(), options.handshakeTimeout()), probes));
                down.add(CompletableFuture.supplyAsync(() -> PathProbe.exchange(address, PathProbe.HEADER_BYTES, payload,
                        options.connectTimeout(), options.handshakeTimeout()), probes));
            }
        }
        return new PathMtuCheck(judge(packets, up.stream().map(CompletableFuture::join).toList(),
                down.stream().map(CompletableFuture::join).toList(), linkMtu, options.handshakeTimeout()));
    }

    CheckResult result() {
        return result;
    }

    boolean blackHole() {
        return result.cause().equals(Optional.of(DisconnectCause.PATH_MTU_BLACKHOLE));
    }

    /**
     * {@code stalled} again, named {@code path_mtu_blackhole} when it is a stall (a handshake or
     * Hello that timed out) and this check found large packets lost.
     */
    CheckResult explain(CheckResult stalled) {
        if (!blackHole() || stalled.verdict() != Verdict.FAIL || stalled.cause().isEmpty()
                || !STALLS.contains(stalled.cause().get())) {
            return stalled;
        }
        return CheckResult.fail(stalled.check(), DisconnectCause.PATH_MTU_BLACKHOLE, stalled.measured()
                + " (seen as " + stalled.cause().get().label() + "): large packets are lost on the path, see " + NAME);
    }

    static CheckResult judge(List<Integer> packets, List<PathProbe.Exchange> up, List<PathProbe.Exchange> down, int linkMtu,
            Duration wait) {
        if (packets.isEmpty() || !up.get(0).answered() || !down.get(0).answered()) {
            PathProbe.Exchange first = packets.isEmpty() ? null : up.get(0);
            return CheckResult.skipped(NAME, first == null ? "no packet size to probe"
                    : "the coordinator's port did not answer a " + packets.get(0) + "-byte probe (" + first.outcome()
                    + (first.detail().isEmpty() ? "" : ": " + first.detail()) + "); an older coordinator answers no probes");
        }
        String toward = direction(packets, up);
        String back = direction(packets, down);
        boolean allPass = up.stream().allMatch(PathProbe.Exchange::answered) && down.stream().allMatch(PathProbe.Exchange::answered);
        String measured = "toward the coordinator " + toward + "; back " + back + "; this host's link MTU is " + linkMtu;
        if (allPass) {
            return CheckResult.pass(NAME, measured);
        }
        return CheckResult.fail(NAME, DisconnectCause.PATH_MTU_BLACKHOLE, measured + " (lost: no answer within "
                + wait.toMillis() + " ms)");
    }

    /** {@code packets up to 1400 bytes pass, 1500 and larger are lost}, or {@code packets up to 9000 bytes pass}. */
    private static String direction(List<Integer> packets, List<PathProbe.Exchange> probes) {
        int largestPassed = 0;
        List<Integer> lost = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            if (probes.get(i).answered()) {
                largestPassed = Math.max(largestPassed, packets.get(i));
            } else {
                lost.add(packets.get(i));
            }
        }
        return "packets up to " + largestPassed + " bytes pass" + (lost.isEmpty() ? "" : ", " + lost + " bytes are lost");
    }

    /** The MTU of the interface this host reaches {@code address} through; 1500 when it cannot tell. */
    static int linkMtu(InetSocketAddress address) {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(address);
            NetworkInterface nic = NetworkInterface.getByInetAddress(socket.getLocalAddress());
            return nic == null || nic.getMTU() <= 0 ? 1500 : nic.getMTU();
        } catch (IOException e) {
            return 1500;
        }
    }
}
