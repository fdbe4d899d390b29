package io.graphagent.cli;

import io.graphagent.config.CoordinatorConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.config.StoreKind;
import io.graphagent.coordinator.job.JobScheduler;
import io.graphagent.coordinator.CoordinatorServer;
import io.graphagent.coordinator.resident.ResidentRestart;
import io.graphagent.coordinator.store.JobStore;
import io.graphagent.coordinator.store.MembershipStore;
import io.graphagent.coordinator.store.StateDir;
import io.graphagent.coordinator.store.StateDirException;
import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.ops.http.AdminServer;
import io.graphagent.ops.http.CoordinatorAdmin;
import io.graphagent.net.tls.TransportSecurity;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code graphagent coordinator}: runs the coordinator (membership, leases, job scheduler)
 * until SIGTERM or Ctrl-C. Prints one line on stdout once it listens, which
 * {@code graphagent local} and scripts wait for.
 */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
        description = {
            "Run the coordinator: accepts agent sessions over mutual TLS, keeps their leases, schedules jobs, and serves "
                    + "submit and status. Runs until SIGTERM or Ctrl-C.",
            "",
            "Settings come from --config (with GRAPHAGENT_* environment overrides); flags win over it. With --certs DIR "
                    + "it presents DIR/coordinator.pem (coordinator-key.pem) and trusts DIR/ca.pem.",
            "",
            "Prints one line on stdout when ready: 'coordinator listening on HOST:PORT (tls)'. Log lines go to stderr.",
            "",
            "With --etcd URL[,URL...] (coordinator.store: etcd) any number of coordinators share the state in etcd: one "
                    + "is elected leader through an etcd lease (coordinator.etcd.election-ttl), the others stand by, redirect "
                    + "agents and clients to the leader, and take over within the TTL, carrying the agents' sessions and "
                    + "resuming the jobs from their last checkpoint. Prints 'coordinator standing by on HOST:PORT' and then "
                    + "'coordinator leading on HOST:PORT, term N' each time it is elected.",
            "",
            "Keeps its jobs and session epochs in coordinator.state-dir (local store). Started again on the same directory (after a "
                    + "crash, a kill or a stop) it shows the jobs that finished and resumes the others from their last "
                    + "checkpoint once their agents have reconnected. Exit 2 when the directory is held by another "
                    + "coordinator or a file in it is torn or corrupt: the message names the file and the fix.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  graphagent coordinator --certs certs",
            "  graphagent coordinator --certs certs --etcd https://etcd1:2379,https://etcd2:2379,https://etcd3:2379 \\",
            "      --etcd-ca etcd/ca.pem --etcd-cert etcd/client.pem --etcd-key etcd/client-key.pem",
            "  graphagent coordinator --listen 0.0.0.0:7400 --config /etc/graphagent/graphagent.yaml"})
final class CoordinatorCommand implements Callable<Integer>, ClusterCommand {
    /**
     * Looked up when used, not held in a static field: picocli makes every command object to build
     * {@code --help}, and a static logger would start Logback (~600 classes) on every command.
     */
    private static Logger log() {
        return LoggerFactory.getLogger(CoordinatorCommand.class);
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", converter = AddressConverter.class,
            description = "Where agents and clients dial (coordinator.listen). Default: 127.0.0.1:7400.")
    HostPort listen;

    @Option(names = "--admin-listen", paramLabel = "HOST:PORT", converter = AddressConverter.class,
            description = "Admin HTTP: metrics, health, JSON API (coordinator.admin-listen). Default: 127.0.0.1:7480.")
    HostPort adminListen;

    @Mixin
    ConfigOption config;

    @Mixin
    TlsOptions tls;

    @Mixin
    ServerProcessOptions process;

    @Mixin
    EtcdOptions etcd;

    @Option(names = "--id", paramLabel = "NAME",
            description = "This coordinator's name among the coordinators of the etcd store (its coordinators/NAME key). "
                    + "Default: coordinator-PORT of --listen.")
    String id;

    @Override
    public Integer call() throws Exception {
        process.apply();
        GraphagentConfig loaded = etcd.applyTo(tls.applyTo(config.load()), true);
        CoordinatorConfig c = loaded.coordinator();
        GraphagentConfig settings = ConfigEdits.with(loaded, c.withAddresses(
                listen != null ? listen : c.listen(), adminListen != null ? adminListen : c.adminListen()));
        TransportSecurity security = TlsIdentity.security(settings.tls(), ClusterCertificates.COORDINATOR, "coordinator");
        if (!security.isTls()) {
            log().warn("event=insecure_mode role=coordinator risk=\"plaintext: any process that reaches the port can join as an"
                    + " agent or submit jobs, and the traffic can be read\" fix=\"drop --insecure and pass --certs DIR\"");
        }

        try {
            AdminServer.checkAccess("coordinator", settings.coordinator().adminListen(), settings.admin().token());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        Clock clock = Clock.systemUTC();
        HostPort address = settings.coordinator().listen();
        if (settings.coordinator().store() == StoreKind.ETCD) {
            return new EtcdCoordinator(settings, security, clock, id).run(spec.commandLine().getOut());
        }
        StateDir state;
        try {
            state = StateDir.open(settings.coordinator().stateDir());
        } catch (StateDirException e) {
            throw new BadInputException(e.getMessage());
        }
        MembershipStore membership = state.membership();
        if (membership.restarted()) {
            log().info("event=coordinator_restarted state_dir={} incarnation={} first_epoch={} known_agents={} jobs={}"
                            + " unfinished={} resident_graphs={}", state.directory(), membership.incarnation(),
                    membership.firstEpoch(), membership.knownAgentsAtStart(), state.storedJobs().size(),
                    state.storedJobs().stream().filter(j -> !JobStore.terminal(j.getState())).map(j -> j.getJobId()).toList(),
                    state.storedGraphs().stream().map(g -> g.getName()).toList());
        }
        CoordinatorServer server;
        try {
            server = CoordinatorServer.start(settings, security, directory -> new JobScheduler(directory, settings, clock,
                    state.jobs(), state.storedJobs(), membership.knownAgentsAtStart()), clock, membership,
                    new ResidentRestart(state.graphs(), state.storedGraphs(), membership.knownAgentsAtStart()));
        } catch (IOException e) {
            state.close();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage()
                    + ". Fix: stop the process that holds the port, or pass --listen HOST:PORT", e);
        }

        CoordinatorAdmin admin;
        try {
            admin = CoordinatorAdmin.start(settings, server, security, clock);
        } catch (IOException e) {
            server.close();
            state.close();
            throw new IOException("cannot serve admin HTTP on " + settings.coordinator().adminListen() + ": " + e.getMessage()
                    + ". Fix: stop the process that holds the port, or pass --admin-listen HOST:PORT", e);
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Thread stop = new Thread(() -> {
            log().info("event=coordinator_stopping reason=signal");
            admin.close();
            server.close();
            state.close();
            stopped.countDown();
        }, "coordinator-shutdown");
        Runtime.getRuntime().addShutdownHook(stop);

        if (server.jobs() instanceof JobScheduler scheduler) {
            // After the admin's listeners are on: the event log and metrics see the resumption.
            java.util.List<String> resuming = scheduler.resumeStoredJobs();
            if (membership.restarted()) {
                admin.events().append("coordinator_restarted", "", "coordinator_restarted", "incarnation "
                        + membership.incarnation() + " on " + state.directory() + "; session epochs from "
                        + membership.firstEpoch() + "; resuming " + (resuming.isEmpty() ? "no job" : String.join(", ", resuming)));
            }
        }

        PrintWriter out = spec.commandLine().getOut();
        out.println("coordinator listening on " + new HostPort(address.host(), server.port())
                + (security.isTls() ? " (tls)" : " (plaintext, --insecure)"));
        out.println("admin http://" + new HostPort(settings.coordinator().adminListen().host(), admin.port())
                + " (metrics, health, events, loggers" + (settings.admin().token().isEmpty() ? ")" : "; token required)"));
        admin.queryPort().ifPresent(port -> out.println("query http://" + new HostPort(settings.query().httpListen().host(),
                port) + " (graph queries" + (settings.admin().token().isEmpty() ? ")" : "; token required)")));
        out.flush();
        stopped.await();
        return 0;
    }
}
