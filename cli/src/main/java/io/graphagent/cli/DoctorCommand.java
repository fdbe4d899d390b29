package io.graphagent.cli;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.TlsFiles;
import io.graphagent.ops.doctor.Doctor;
import io.graphagent.ops.doctor.DoctorOptions;
import io.graphagent.ops.doctor.DoctorReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graphagent doctor}: names the cause of a connection problem before an agent drops. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {
            "Diagnose the path from this host to a coordinator, in order: name resolution, TCP connect (refused vs. "
                    + "dropped), the route (no route, a subnet mask too wide), packet sizes both ways (an MTU black hole), "
                    + "TLS handshake (chain incomplete or out of order, unknown CA, expired or not yet valid "
                    + "with a clock-skew hint, host name, client certificate refused, TLS/plaintext mix-ups), certificate "
                    + "expiry, protocol version (a real Hello), clock skew, timing policy against --config, heartbeat "
                    + "round trip, large messages, every agent's data port, how long a quiet connection survives on the "
                    + "path, and this machine's CPU load, memory, disk and open-file limit.",
            "",
            "With --etcd URL[,URL...] (and --etcd-ca/--etcd-cert/--etcd-key, or --etcd-insecure) it checks the etcd store "
                    + "instead: the client settings and TLS, each member's reachability and version, a quorum read, and "
                    + "which coordinator leads.",
            "",
            "Each check prints one line: PASS, WARN, FAIL (with the cause and the fix) or SKIPPED (a check it depends "
                    + "on failed). Verdict exit codes, instead of those below: 0 all passed, 1 some warning, 2 some failure.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  graphagent doctor",
            "  graphagent doctor --coordinator coord.example.org:7400 --certs /etc/graphagent/certs --config agent.yaml",
            "  graphagent doctor --coordinator 10.0.0.5:7400 --insecure --json",
            "  graphagent doctor --etcd https://etcd1:2379,https://etcd2:2379 --etcd-ca ca.pem --etcd-cert c.pem --etcd-key k.pem"})
final class DoctorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Option(names = "--json", description = "Print a JSON array of {check, verdict, measured, fix, cause} instead of lines.")
    boolean json;

    @Option(names = "--idle-wait", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the idle-connection check holds a quiet connection to the coordinator, to see whether a "
                    + "proxy, load balancer or NAT on the path cuts it. Default: the gRPC keepalive time as applied (at least "
                    + "10s), the longest any graphagent connection stays quiet; doctor then takes that long. 0 skips the check.")
    Duration idleWait;

    @Override
    public Integer call() {
        if (client.etcd.endpoints != null) {
            GraphagentConfig withEtcd = client.etcd.applyTo(ConfigOption.load(client.config.file(), System.getenv()), false);
            DoctorReport report = new DoctorReport(io.graphagent.ops.doctor.EtcdChecks.run(withEtcd.coordinator().etcd(),
                    withEtcd.cluster().id()));
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? report.json() : report.text());
            out.flush();
            return report.exitCode();
        }
        LocalState state = new LocalState(client.stateDir);
        boolean fromState = client.config.file() == null && state.exists();
        GraphagentConfig effective = client.tls.applyTo(
                ConfigOption.load(fromState ? state.config() : client.config.file(), System.getenv()));
        HostPort address = client.coordinator;
        if (address == null) {
            address = fromState ? state.address().orElse(effective.agent().coordinator()) : effective.agent().coordinator();
        }
        Optional<TlsFiles> files = Optional.empty();
        if (effective.tls().enabled()) {
            files = TlsIdentity.files(effective.tls(), ClientIdentity.NAME);
            if (files.isEmpty()) {
                throw new BadInputException("no client certificate to diagnose TLS with",
                        "pass --certs DIR (made by 'graphagent certs init'), or --ca/--cert/--key; --insecure for a plaintext coordinator");
            }
        }
        DoctorReport report = Doctor.run(DoctorOptions.of(new HostAndPort(address.host(), address.port()), files, effective,
                fromState || client.config.file() != null)
                .withIdleWait(idleWait != null ? idleWait : effective.grpc().effectiveKeepaliveTime()));
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.json() : report.text());
        out.flush();
        return report.exitCode();
    }
}
