package io.graphagent.agent;

import io.graphagent.agent.job.CommandHandler;
import io.graphagent.agent.session.AgentExit;
import io.graphagent.agent.session.AgentIdentity;
import io.graphagent.agent.session.SessionClient;
import io.graphagent.agent.session.SessionIdFile;
import io.graphagent.agent.session.SessionSettings;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.ProcessLock;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.time.Ticker;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TransportSecurity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an agent process's session until it ends: connects to the coordinator, keeps the
 * session (resuming after a restart within the lease, from the session id kept in
 * {@code agent.work-dir}), and on SIGTERM says Goodbye. Returns the process exit code of
 * {@link AgentExit}: 0 stopped, 1 gave up reconnecting, 3 refused (not retried).
 */
public final class AgentMain {

    private static final Logger log = LoggerFactory.getLogger(AgentMain.class);

    /** How long the shutdown hook lets the Goodbye and the stops take before the JVM exits anyway. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private AgentMain() {
    }

    /**
     * Runs the agent until SIGTERM (or Ctrl-C), a refusal, or reconnect attempts running out;
     * blocks meanwhile. Closes {@code handler} before returning.
     *
     * @return the exit code
     */
    public static int run(GraphagentConfig config, TransportSecurity security, CommandHandler handler, Clock clock) {
        return run(config, security, handler, clock, client -> { });
    }

    /**
     * Like {@link #run(GraphagentConfig, TransportSecurity, CommandHandler, Clock)}, first handing
     * the session client to {@code observe} (before it dials), so that the admin HTTP server and
     * metrics can watch it.
     */
    public static int run(GraphagentConfig config, TransportSecurity security, CommandHandler handler, Clock clock,
            Consumer<SessionClient> observe) {
        CompletableFuture<String> stop = new CompletableFuture<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.complete("SIGTERM");
            try {
                stopped.await(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run(config, security, handler, clock, stop, observe);
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down: the hook is running and now returns.
            }
        }
    }

    /**
     * Like {@link #run(GraphagentConfig, TransportSecurity, CommandHandler, Clock)}, stopping
     * when {@code stop} completes (with the reason for the Goodbye) instead of on a signal.
     */
    public static int run(GraphagentConfig config, TransportSecurity security, CommandHandler handler, Clock clock,
            CompletionStage<String> stop) {
        return run(config, security, handler, clock, stop, client -> { });
    }

    /** Like {@link #run(GraphagentConfig, TransportSecurity, CommandHandler, Clock, CompletionStage)}, handing the session client to {@code observe} before it dials. */
    public static int run(GraphagentConfig config, TransportSecurity security, CommandHandler handler, Clock clock,
            CompletionStage<String> stop, Consumer<SessionClient> observe) {
        Objects.requireNonNull(handler, "handler");
        try (handler) {
            String agentId;
            try {
                agentId = AgentIdentity.resolve(config, security);
            } catch (TlsFilesException e) {
                log.error("cause={} event=agent_exit code={} detail=\"{}\"", DisconnectCause.TLS_FILES_UNUSABLE.label(),
                        AgentExit.REFUSED, e.getMessage());
                return exit(new AgentExit(AgentExit.REFUSED, java.util.Optional.of(DisconnectCause.TLS_FILES_UNUSABLE),
                        DisconnectCause.TLS_FILES_UNUSABLE.label() + ": " + e.getMessage()), "unknown");
            }
            Path lockFile = config.agent().workDir().resolve("agent-" + agentId + ".lock");
            try (ProcessLock claim = ProcessLock.acquire(lockFile)) {
                SessionIdFile saved = new SessionIdFile(config.agent().workDir(), agentId);
                SessionSettings settings = SessionSettings.from(config, agentId).withResumeSessionId(saved.read());
                SessionClient client = new SessionClient(settings, security, handler, clock, Ticker.system());
                client.onWelcome(welcome -> saved.write(welcome.getSessionId()));
                stop.thenAccept(client::close);
                observe.accept(client);
                client.start();
                AgentExit result = client.exit().join();
                client.close();
                if (result.code() == AgentExit.STOPPED) {
                    saved.delete();
                }
                return exit(result, agentId);
            } catch (ProcessLock.HeldException e) {
                return exit(new AgentExit(AgentExit.IN_USE, Optional.of(DisconnectCause.DUPLICATE_AGENT),
                        "another agent " + agentId + e.pidSuffix() + " runs with work directory " + config.agent().workDir()
                                + " (" + lockFile.getFileName() + "): stop it, or give this agent its own agent.work-dir and"
                                + " its own certificate and id"), agentId);
            } catch (IOException e) {
                return exit(new AgentExit(AgentExit.IN_USE, Optional.empty(), "cannot lock " + lockFile + " ("
                        + e.getMessage() + "): make agent.work-dir writable, on a file system that supports locks"), agentId);
            }
        }
    }

    private static int exit(AgentExit result, String agentId) {
        if (result.code() == AgentExit.IN_USE) {
            log.error("cause={} event=agent_exit agent={} code={} detail=\"{}\"",
                    result.cause().map(DisconnectCause::label).orElse("unknown"), agentId, result.code(), result.diagnosis());
        } else if (result.code() == AgentExit.STOPPED) {
            log.info("event=agent_stopped agent={} code=0 detail=\"{}\"", agentId, result.diagnosis());
        } else {
            // The session client has logged the diagnosis; this line only closes the story.
            log.info("cause={} event=agent_exit agent={} code={}",
                    result.cause().map(DisconnectCause::label).orElse("unknown"), agentId, result.code());
        }
        return result.code();
    }
}
