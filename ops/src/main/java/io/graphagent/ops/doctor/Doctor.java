package io.graphagent.ops.doctor;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.tls.Channels;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.TlsContexts;
import io.graphagent.net.tls.TlsFiles;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TlsProblem;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.StatusReply;
import io.grpc.ManagedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code graphagent doctor}: ordered checks from name resolution up to the agents' data
 * ports, then the local machine. A check that depends on one that failed is SKIPPED naming
 * it, so the first FAIL is the one to fix. One run per instance; not thread-safe.
 */
public final class Doctor {

    private final DoctorOptions options;
    private final List<CheckResult> results = new ArrayList<>();
    /** The packet-size probes, once TCP connected: they explain a handshake or Hello that stalls. */
    private PathMtuCheck pathMtu;

    private Doctor(DoctorOptions options) {
        this.options = options;
    }

    /** Runs every check in order and returns the report. */
    public static DoctorReport run(DoctorOptions options) {
        Doctor doctor = new Doctor(options);
        doctor.network();
        doctor.results.addAll(LocalResources.check(options.procDir(),
                List.of(options.config().agent().workDir(), options.config().job().checkpointDir())));
        return new DoctorReport(doctor.results);
    }

    private static final List<String> REMOTE = List.of("tcp-connect", RouteCheck.NAME, PathMtuCheck.NAME, TlsCheck.NAME,
            CertificateExpiry.NAME, CertificateRoles.NAME, "protocol",
            "clock-skew", "timing", "rtt", "large-message", "agent-ports");

    private void network() {
        String host = options.coordinator().host();
        Reachability.Resolution resolution = Reachability.resolve(host);
        if (resolution.failure().isPresent()) {
            results.add(CheckResult.fail("resolve", DisconnectCause.NAME_RESOLUTION_FAILED, host + " does not resolve ("
                    + resolution.failure().get().getMessage() + ")"));
            skipFrom("tcp-connect", "resolve failed");
            return;
        }
        results.add(CheckResult.pass("resolve", host + " -> " + resolution.addresses().stream()
                .map(InetAddress::getHostAddress).toList() + " in " + Reachability.millis(resolution.took())));
        InetSocketAddress address = new InetSocketAddress(resolution.addresses().get(0), options.coordinator().port());
        Reachability.Connect connect = Reachability.connect(address, options.connectTimeout());
        RouteCheck route = RouteCheck.of(options.procDir(), address.getAddress());
        if (!connect.ok()) {
            results.add(route.explainConnect(CheckResult.fail("tcp-connect", connect.cause().get(),
                    address.getAddress().getHostAddress() + ":" + address.getPort() + " " + connect.detail())));
            results.add(route.result());
            skipFrom(PathMtuCheck.NAME, "tcp-connect failed");
            return;
        }
        results.add(CheckResult.pass("tcp-connect", address.getAddress().getHostAddress() + ":" + address.getPort()
                + " connected in " + Reachability.millis(connect.took())));
        results.add(route.result());
        pathMtu = PathMtuCheck.run(options, address);
        results.add(pathMtu.result());

        TransportSecurity security;
        if (options.tls().isEmpty()) {
            CheckResult plain = TlsCheck.plaintext(options, address);
            results.add(plain);
            if (plain.verdict() == Verdict.FAIL) {
                skipFrom(CertificateExpiry.NAME, TlsCheck.NAME + " failed");
                return;
            }
            results.add(CheckResult.skipped(CertificateExpiry.NAME, "--insecure: no certificates"));
            results.add(CheckResult.skipped(CertificateRoles.NAME, "--insecure: no certificates"));
            security = new TransportSecurity.Insecure();
        } else {
            TlsFiles files = options.tls().get();
            TlsFiles.Loaded loaded;
            try {
                loaded = files.load();
            } catch (TlsFilesException e) {
                List<TlsProblem> problems = files.problems(options.clock());
                results.add(CheckResult.fail(TlsCheck.NAME, DisconnectCause.TLS_FILES_UNUSABLE, "our TLS files: "
                        + (problems.isEmpty() ? e.getMessage() : problems.toString())));
                skipFrom(CertificateExpiry.NAME, "our TLS files are unusable");
                return;
            }
            TlsCheck.Result tls = TlsCheck.run(options, address, files, loaded);
            CheckResult handshake = IdleConnectionCheck.explainCut(options, address, pathMtu.explain(tls.verdict()));
            results.add(handshake);
            List<X509Certificate> local = new ArrayList<>(loaded.identity().chain());
            local.addAll(loaded.trust());
            results.add(CertificateExpiry.check(local, tls.serverChain(), options.clock().instant()));
            if (handshake.verdict() == Verdict.FAIL) {
                skipFrom(CertificateRoles.NAME, TlsCheck.NAME + " failed");
                return;
            }
            results.add(CertificateRoles.check(loaded.identity().certificate(), tls.serverChain()));
            security = new TransportSecurity.Tls(files, TlsContexts.Engine.DEFAULT, TlsContexts.FileCheck.LOAD_ONLY);
        }
        grpc(security);
    }

    private void grpc(TransportSecurity security) {
        Channels.ClientTimeouts timeouts = new Channels.ClientTimeouts(options.connectTimeout(), options.handshakeTimeout(),
                options.callDeadline());
        try (NetworkThreads threads = NetworkThreads.start("doctor", 1)) {
            ManagedChannel channel = Channels.builder(options.coordinator(), security, timeouts, threads)
                    .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, options.config().grpc().maxMessageSize()))
                    .build();
            Optional<IdleConnectionCheck> idle = IdleConnectionCheck.start(options, security, threads);
            try {
                CoordinatorChecks checks = new CoordinatorChecks(options, channel);
                CheckResult protocol = pathMtu.explain(checks.protocol());
                results.add(protocol);
                if (protocol.verdict() == Verdict.FAIL) {
                    skipFrom("clock-skew", "protocol failed");
                    return;
                }
                results.add(checks.clockSkew());
                StatusReply status;
                try {
                    status = checks.status();
                } catch (RuntimeException e) {
                    results.add(CoordinatorChecks.failed("timing", e, "Status"));
                    skipFrom("rtt", "Status failed");
                    return;
                }
                results.addAll(checks.timing(status));
                results.add(checks.roundTrip(status));
                results.add(checks.largeMessages());
                results.add(checks.agentPorts(status));
                idle.ifPresent(i -> results.add(i.finish(status.getCoordinator().getTiming())));
            } finally {
                idle.ifPresent(IdleConnectionCheck::close);
                channel.shutdownNow();
                try {
                    channel.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        } catch (TlsFilesException e) {
            results.add(CheckResult.fail("protocol", DisconnectCause.TLS_FILES_UNUSABLE, e.getMessage()));
            skipFrom("clock-skew", "protocol failed");
        }
    }

    /** Marks the remote checks from {@code first} to the end of {@link #REMOTE} as skipped. */
    private void skipFrom(String first, String reason) {
        for (String check : REMOTE.subList(REMOTE.indexOf(first), REMOTE.size())) {
            results.add(CheckResult.skipped(check, reason));
        }
    }
}
