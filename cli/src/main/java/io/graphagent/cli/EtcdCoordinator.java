package io.graphagent.cli;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.coordinator.etcd.EtcdConnection;
import io.graphagent.coordinator.etcd.EtcdException;
import io.graphagent.coordinator.leader.ControlPlaneNode;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.ops.http.CoordinatorAdmin;
import io.graphagent.protocol.v1.StoredCoordinator;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code graphagent coordinator} with the etcd store: registers, stands by, leads when elected
 * ({@link LeadingCoordinator}), until SIGTERM. Prints one line when standing by and one each
 * time it leads, which {@code graphagent local} and tests wait for; etcd health changes go to
 * the event log of the admin server while it leads.
 */
final class EtcdCoordinator {
    private static final Logger log = LoggerFactory.getLogger(EtcdCoordinator.class);

    private final GraphagentConfig settings;
    private final TransportSecurity security;
    private final Clock clock;
    private final String id;

    EtcdCoordinator(GraphagentConfig settings, TransportSecurity security, Clock clock, String id) {
        this.settings = settings;
        this.security = security;
        this.clock = clock;
        this.id = id;
    }

    /** Default coordinator name: coordinator-PORT of the listen address. */
    static String defaultId(HostPort listen) {
        return "coordinator-" + listen.port();
    }

    int run(PrintWriter out) throws IOException, InterruptedException {
        HostPort listen = settings.coordinator().listen();
        if (listen.port() == 0) {
            throw new BadInputException("--listen " + listen + ": with the etcd store the coordinator registers its address for"
                    + " agents, clients and the other coordinators, and port 0 is not one they can dial",
                    "pass --listen HOST:PORT with a fixed port");
        }
        String name = id != null ? id : defaultId(listen);
        EtcdConnection etcd;
        try {
            etcd = EtcdConnection.open(settings.coordinator().etcd(), settings.cluster().id());
        } catch (EtcdException e) {
            throw new BadInputException(e.getMessage());
        }
        ControlPlaneNode[] node = new ControlPlaneNode[1];
        AtomicReference<CoordinatorAdmin> admin = new AtomicReference<>();
        StandbyAdminSlot standby = new StandbyAdminSlot(settings, clock, node);
        LeadingCoordinator role = new LeadingCoordinator(settings, security, clock, node, (started, leadership) -> {
            admin.set(started);
            out.println("coordinator leading on " + node[0].listenAddress() + ", term "
                    + leadership.term().value() + " (admin http://"
                    + new HostPort(settings.coordinator().adminListen().host(), started.port()) + ")");
            out.flush();
        }, standby);
        StoredCoordinator self = StoredCoordinator.newBuilder().setCoordinatorId(name)
                .setAddress(advertised(listen).toString())
                .setAdminAddress(settings.coordinator().adminListen().toString())
                .setStartedTimeMs(clock.millis()).build();
        try {
            node[0] = ControlPlaneNode.start(settings, security, etcd, self, role, clock);
        } catch (IOException e) {
            etcd.close();
            throw new IOException("cannot listen on " + listen + ": " + e.getMessage()
                    + ". Fix: stop the process that holds the port, or pass --listen HOST:PORT", e);
        }
        standby.serve();
        node[0].health().addListener((event, detail) -> {
            CoordinatorAdmin a = admin.get();
            if (a != null && node[0].leading()) {
                a.events().append(event, "", event, detail);
            } else {
                standby.events().ifPresent(e -> e.append(event, "", event, detail));
            }
        });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("event=coordinator_stopping reason=signal");
            node[0].close();
            standby.close();
            stopped.countDown();
        }, "coordinator-shutdown"));
        out.println("coordinator standing by on " + node[0].listenAddress() + (security.isTls() ? " (tls)" : " (plaintext, --insecure)")
                + " as " + name + ", etcd " + String.join(",", settings.coordinator().etcd().endpoints()));
        out.flush();
        stopped.await();
        return 0;
    }

    /** The address others dial: the listen address, with 127.0.0.1 for a wildcard host. */
    private static HostPort advertised(HostPort listen) {
        return listen.isWildcard() ? new HostPort("127.0.0.1", listen.port()) : listen;
    }
}
