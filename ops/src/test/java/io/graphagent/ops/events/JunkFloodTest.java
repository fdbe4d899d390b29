package io.graphagent.ops.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.config.CoordinatorConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.config.Profile;
import io.graphagent.coordinator.CoordinatorServer;
import io.graphagent.coordinator.job.JobScheduler;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.net.testing.FakeClock;
import io.graphagent.net.testing.LogCapture;
import io.graphagent.net.tls.TlsFiles;
import io.graphagent.net.tls.TransportSecurity;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stranger floods the coordinator's TLS port with connections of junk bytes. Each one used
 * to make one WARN line and one event (2,003 of each for 2,000 connections), pushing the agent
 * and job events out of `graphagent events`. Now the metric still counts each, while the log
 * and the event log say it once per window with the count.
 */
class JunkFloodTest {
    private static final int FLOOD = 200;

    @TempDir
    Path dir;

    @Test
    void aJunkFloodIsCountedEachButLoggedAndEventedOncePerWindow() throws Exception {
        ClusterCertificates.init(dir.resolve("certs"), 1, List.of(), Duration.ofDays(1), Clock.systemUTC());
        GraphagentConfig base = Profile.TEST.defaults();
        GraphagentConfig config = new GraphagentConfig(base.profile(), base.cluster(),
                new CoordinatorConfig(new HostPort("127.0.0.1", 0), base.coordinator().adminListen(), dir.resolve("state")),
                base.agent(), base.session(), base.grpc(), base.tls(), base.network(), base.job(), base.admin());
        FakeClock clock = new FakeClock();
        EventLog events = EventLog.inMemory(clock);
        events.append("agent_state", "agent-1", "hello", "JOINING -> ALIVE");
        try (LogCapture log = new LogCapture("io.graphagent.net.tls.ServerHandshakeObserver");
             CoordinatorServer server = CoordinatorServer.start(config,
                     TransportSecurity.tls(TlsFiles.fromDir(dir.resolve("certs"), "coordinator")),
                     directory -> new JobScheduler(directory, config, clock), clock)) {
            events.observe(server.directory(), server.causes());
            long t0 = System.nanoTime();
            for (int i = 0; i < FLOOD; i++) {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    OutputStream out = s.getOutputStream();
                    out.write(("junk " + i + " \u0000\u0001 not a ClientHello\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    s.getInputStream().read();
                }
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> server.causes().count(DisconnectCause.PLAINTEXT_TO_TLS_PORT) == FLOOD);
            long windows = 1 + Duration.ofNanos(System.nanoTime() - t0).toSeconds() / 10;

            assertThat(log.containing("event=tls_handshake_failed").size()).as("WARN lines").isLessThanOrEqualTo((int) windows);
            List<Event> failures = events.since(0).stream().filter(e -> e.kind().equals("connection_failure")).toList();
            assertThat(failures).singleElement().satisfies(e -> {
                assertThat(e.cause()).isEqualTo("plaintext_to_tls_port");
                assertThat(e.detail()).startsWith("from 127.0.0.1: ");
            });

            clock.advance(EventLog.FAILURE_WINDOW);
            events.flushFailures();

            List<Event> all = events.since(0);
            assertThat(all).first().extracting(Event::kind).isEqualTo("agent_state");
            assertThat(all).hasSize(3);
            assertThat(all.get(2).detail()).endsWith("(" + (FLOOD - 1) + " more from 127.0.0.1 in the last 10 s)");
        }
    }
}
