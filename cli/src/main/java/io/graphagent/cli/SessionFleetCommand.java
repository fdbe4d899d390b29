package io.graphagent.cli;

import io.graphagent.agent.fleet.SessionFleet;
import io.graphagent.agent.session.SessionSettings;
import io.graphagent.agent.session.SessionThreadPool;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.net.time.Ticker;
import io.graphagent.net.tls.TlsContexts;
import io.graphagent.net.tls.TlsFiles;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TransportSecurity;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code graphagent session-fleet} (hidden): the sessions of many agents in one JVM, for load on
 * the control plane (bench/failover.sh). Each agent is the real session client over mutual TLS
 * with its own certificate; all share a few threads; none does graph work. Prints one progress
 * line a period on stdout. A CLI command rather than a test-scope main because the bench starts
 * several of these JVMs from the built jar, like every other graphagent process; hidden because
 * it is a measuring tool, not something to run in a cluster.
 */
@Command(name = "session-fleet", hidden = true, mixinStandardHelpOptions = true,
        description = {
            "Hold the sessions of agents agent-FIRST .. agent-(FIRST+COUNT-1) in one JVM (the real session client, "
                    + "mutual TLS with each agent's certificate from --certs, no graph work), reconnecting as agents do, "
                    + "and print a progress line every --every: "
                    + "'fleet t_ms=T sessions=N open=N term=T open_on_term=N dials=N welcomes=N redirects=N' "
                    + "(term: the highest leader term welcomed with; dials: Hellos sent). For bench/failover.sh."},
        footerHeading = "%nExample:%n",
        footer = {"  graphagent session-fleet --certs certs --coordinator 127.0.0.1:7400,127.0.0.1:7401 --first 1 --count 1000"})
final class SessionFleetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--coordinator", paramLabel = "HOST:PORT[,HOST:PORT...]", converter = AddressListConverter.class,
            description = "The coordinators to dial (agent.coordinator), tried in turn; a standby redirects to the leader.")
    List<HostPort> coordinator;

    @Mixin
    EtcdOptions etcd;

    @Option(names = "--first", paramLabel = "N", defaultValue = "1", description = "Number of the first agent. Default: 1.")
    int first;

    @Option(names = "--count", paramLabel = "N", required = true, description = "How many agents' sessions.")
    int count;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "200",
            description = "Sessions started per second (0: all at once). Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(names = "--session-threads", paramLabel = "N", defaultValue = "1",
            description = "Threads running every session's timers and state. Default: ${DEFAULT-VALUE}.")
    int sessionThreads;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "2",
            description = "Network I/O threads (TLS handshakes). Default: ${DEFAULT-VALUE}.")
    int ioThreads;

    @Option(names = "--every", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "1s",
            description = "Period of the progress lines. Default: ${DEFAULT-VALUE}.")
    Duration every;

    @Mixin
    ConfigOption config;

    @Mixin
    TlsOptions tls;

    @Mixin
    ServerProcessOptions process;

    @Override
    public Integer call() throws Exception {
        process.apply();
        if (count < 1 || first < 1) {
            throw new BadInputException("--first " + first + " --count " + count + ": both must be at least 1",
                    "pass e.g. --first 1 --count 1000");
        }
        GraphagentConfig settings = etcd.applyTo(tls.applyTo(config.load()), false);
        List<HostPort> coordinators = CoordinatorsFromEtcd.resolve(settings,
                coordinator != null ? coordinator : settings.agent().coordinators(), coordinator != null);
        List<SessionSettings> sessions = new ArrayList<>();
        Map<String, TransportSecurity> security = new HashMap<>();
        for (int n = first; n < first + count; n++) {
            String name = ClusterCertificates.agentName(n);
            SessionSettings s = SessionSettings.from(settings, name);
            sessions.add(new SessionSettings(coordinators.stream()
                    .map(c -> new io.graphagent.net.tls.HostAndPort(c.host(), c.port())).toList(), name, s.clusterId(),
                    s.protocolMin(), s.protocolMax(), s.buildVersion(), s.localTiming(), s.reconnect(), s.timeouts(),
                    s.keepaliveTime(), s.keepaliveTimeout(), s.maxMessageSize(), ""));
            security.put(name, prebuilt(settings, name));
        }
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(stop::countDown));
        ScheduledExecutorService printer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("fleet-progress").daemon(true).factory());
        try (SessionThreadPool pool = SessionThreadPool.start(sessionThreads, ioThreads);
             SessionFleet fleet = new SessionFleet(sessions, security::get, pool, Clock.systemUTC(), Ticker.system())) {
            out.printf("fleet started agents=agent-%d..agent-%d coordinators=%s rate=%d jitter=%s%n", first,
                    first + count - 1, coordinators, rate, settings.session().reconnect().jitter());
            out.flush();
            fleet.start(rate);
            printer.scheduleAtFixedRate(() -> {
                long term = fleet.highestTerm();
                SessionFleet.Progress p = fleet.progress(term);
                out.printf("fleet t_ms=%d sessions=%d open=%d term=%d open_on_term=%d dials=%d welcomes=%d redirects=%d%n",
                        System.currentTimeMillis(), p.sessions(), p.open(), term, p.openOnTerm(), p.dials(), p.welcomes(),
                        p.redirects());
                out.flush();
            }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
            stop.await();
        } finally {
            printer.shutdownNow();
        }
        return 0;
    }

    /** Agent {@code name}'s TLS context, built once: a fleet redialling thousands of times must not reparse PEM files per dial. */
    private static TransportSecurity prebuilt(GraphagentConfig settings, String name) throws TlsFilesException {
        TransportSecurity files = TlsIdentity.security(settings.tls(), name, "agent");
        if (files instanceof TransportSecurity.Tls t) {
            return new TransportSecurity.Prebuilt(TlsContexts.client(t.files(), t.engine(), t.check()));
        }
        return files;
    }
}
