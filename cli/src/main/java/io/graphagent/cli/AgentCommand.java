package io.graphagent.cli;

import io.graphagent.agent.job.AgentJobs;
import io.graphagent.agent.AgentMain;
import io.graphagent.config.AgentConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.ops.http.AdminServer;
import io.graphagent.ops.http.AgentAdmin;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code graphagent agent}: runs one graph agent. It opens its data plane, joins the
 * coordinator and serves jobs until stopped; the session's exit code is the process's, 3 for a
 * refusal that retrying cannot fix.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {
            "Run a graph agent: joins the coordinator over mutual TLS, keeps its lease with heartbeats, reconnects with "
                    + "backoff when the connection drops, holds graph partitions and runs supersteps, exchanging "
                    + "messages with its peers directly. Runs until SIGTERM or Ctrl-C (then it leaves the cluster).",
            "",
            "With --certs DIR it presents DIR/NAME.pem (NAME-key.pem) for --name NAME (default: --id) and trusts "
                    + "DIR/ca.pem; its id is the certificate's subject. A refusal that retrying cannot fix (another "
                    + "cluster's certificate, an unsupported protocol version, a refused identity) ends it at once "
                    + "with exit code 3 and a one-line diagnosis on stderr.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  graphagent agent --certs certs --name agent-1 --coordinator 127.0.0.1:7400",
            "  graphagent agent --certs certs --name agent-1 --coordinator 10.0.0.1:7400,10.0.0.2:7400",
            "  graphagent agent --config /etc/graphagent/graphagent.yaml --data-listen 0.0.0.0:7500"})
final class AgentCommand implements Callable<Integer>, ClusterCommand {
    /**
     * Looked up when used, not held in a static field: picocli makes every command object to build
     * {@code --help}, and a static logger would start Logback (~600 classes) on every command.
     */
    private static Logger log() {
        return LoggerFactory.getLogger(AgentCommand.class);
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--coordinator", paramLabel = "HOST:PORT[,HOST:PORT...]", converter = AddressListConverter.class,
            description = "The coordinators to join (agent.coordinator), tried in turn; a standby redirects to the leader. "
                    + "Default: 127.0.0.1:7400.")
    List<HostPort> coordinator;

    @Mixin
    EtcdOptions etcd;

    @Option(names = "--id", paramLabel = "NAME",
            description = "The agent's id (agent.id). Default: the subject (CN) of its certificate; with --insecure the host name.")
    String id;

    @Option(names = "--data-listen", paramLabel = "HOST:PORT", converter = AddressConverter.class,
            description = "Where the data plane listens for peers (agent.data-listen). Default: 127.0.0.1:0 (any free port).")
    HostPort dataListen;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Which certificate of --certs DIR to present: DIR/NAME.pem and DIR/NAME-key.pem, e.g. agent-1. "
                    + "Default: --id, else agent.id.")
    String name;

    @Option(names = "--admin-listen", paramLabel = "HOST:PORT", converter = AddressConverter.class,
            description = "Serve the agent's admin HTTP (metrics, /readyz, events, loggers) here; port 0 picks a free one "
                    + "(logged). Protected by admin.token. Default: off.")
    HostPort adminListen;

    @Mixin
    ConfigOption config;

    @Mixin
    TlsOptions tls;

    @Mixin
    ServerProcessOptions process;

    @Override
    public Integer call() throws Exception {
        process.apply();
        GraphagentConfig loaded = etcd.applyTo(tls.applyTo(config.load()), false);
        AgentConfig a = loaded.agent();
        GraphagentConfig settings = ConfigEdits.with(loaded, new AgentConfig(
                CoordinatorsFromEtcd.resolve(loaded, coordinator != null ? coordinator : a.coordinators(), coordinator != null),
                dataListen != null ? dataListen : a.dataListen(),
                a.dataAdvertise(),
                id != null ? id : a.id(),
                a.workDir()));
        TransportSecurity security = TlsIdentity.security(settings.tls(), identity(settings), "agent");
        if (!security.isTls()) {
            log().warn("event=insecure_mode role=agent risk=\"plaintext: the coordinator and peers are not authenticated and the"
                    + " traffic can be read\" fix=\"drop --insecure and pass --certs DIR --name agent-N\"");
        }
        if (adminListen != null) {
            try {
                AdminServer.checkAccess("agent", adminListen, settings.admin().token());
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        // AgentMain owns the job layer from here: it closes it when the session ends.
        Clock clock = Clock.systemUTC();
        AtomicReference<AgentAdmin> admin = new AtomicReference<>();
        AgentJobs jobs = AgentJobs.start(settings, security, clock);
        try {
            return AgentMain.run(settings, security, jobs, clock, client -> {
                if (adminListen != null) {
                    try {
                        admin.set(AgentAdmin.start(adminListen, settings.admin().token(), client, jobs.replicaCounters(),
                                security, clock));
                    } catch (IOException e) {
                        throw new BadInputException("cannot serve admin HTTP on " + adminListen + ": " + e.getMessage(),
                                "stop the process that holds the port, or pass another --admin-listen HOST:PORT");
                    }
                }
            });
        } finally {
            if (admin.get() != null) {
                admin.get().close();
            }
        }
    }

    /** The certificate name to take from the certificate directory. */
    private String identity(GraphagentConfig settings) {
        if (name != null) {
            return name;
        }
        if (!settings.agent().id().isEmpty()) {
            return settings.agent().id();
        }
        if (!settings.tls().enabled() || settings.tls().certsDir().isEmpty()
                || (settings.tls().cert().isPresent() && settings.tls().key().isPresent())) {
            return "agent";
        }
        Path dir = settings.tls().certsDir().get();
        throw new BadInputException("which certificate of " + dir + " is this agent's?",
                "pass --name with one of: " + String.join(", ", agentNames(dir)));
    }

    private static List<String> agentNames(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "agent-*.pem")) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                if (!file.endsWith("-key.pem")) {
                    names.add(file.substring(0, file.length() - ".pem".length()));
                }
            }
        } catch (IOException e) {
            names.add("agent-1");
        }
        names.sort(null);
        return names.isEmpty() ? List.of("agent-1") : names;
    }
}
