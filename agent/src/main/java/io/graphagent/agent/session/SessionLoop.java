package io.graphagent.agent.session;

import io.graphagent.agent.job.CommandHandler;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.RejectCauses;
import io.graphagent.net.time.Ticker;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.LeaderTerm;
import io.graphagent.protocol.v1.AgentMessage;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.CoordinatorMessage;
import io.graphagent.protocol.v1.Fenced;
import io.graphagent.protocol.v1.Goodbye;
import io.graphagent.protocol.v1.GoodbyeReason;
import io.graphagent.protocol.v1.Heartbeat;
import io.graphagent.protocol.v1.HeartbeatAck;
import io.graphagent.protocol.v1.Reject;
import io.graphagent.protocol.v1.RejectReason;
import io.graphagent.protocol.v1.TimingPolicy;
import io.graphagent.protocol.v1.Welcome;
import io.grpc.ManagedChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session state machine of a {@link SessionClient}: dial, Hello, Welcome, heartbeats and
 * their acks, commands, Reject and Fenced, a lost stream and the reconnect with backoff, and the
 * end (refused, gave up, Goodbye). Every method runs on the session thread ({@link
 * SessionThreads}), which confines its state; the counters, the meter, the open call and
 * {@link #exit} may be read from any thread.
 */
final class SessionLoop {

    /** The client's logger: the loop's lines are the session's log. */
    private static final Logger log = LoggerFactory.getLogger(SessionClient.class);

    final CoordinatorTargets targets;
    final RoundTripMeter meter = new RoundTripMeter();
    final CauseCounter causes = new CauseCounter();
    final CompletableFuture<AgentExit> exit = new CompletableFuture<>();
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicLong acks = new AtomicLong();
    final SessionListeners listeners = new SessionListeners();

    private final SessionSettings settings;
    private final CommandHandler handler;
    private final Clock clock;
    private final Ticker ticker;
    private final SessionThreads threads;
    /** What the job layer is handed with each command: the client. */
    private final CoordinatorLink link;
    private final ReconnectPolicy reconnects;
    private final IdleCuts idleCuts = new IdleCuts();
    private final TimingWarnings timingWarnings;
    private final Dialer dialer;
    private final DialDiagnosis diagnosis;
    private final SessionCall.Events events = new SessionCall.Events() {
        @Override
        public void received(SessionCall call, CoordinatorMessage message, long receivedNanos) {
            threads.post(() -> SessionLoop.this.received(call, message, receivedNanos));
        }

        @Override
        public void ended(SessionCall call, DisconnectCause cause, String detail) {
            threads.post(() -> failed(call, cause, detail));
        }
    };

    // Confined to the session thread.
    private SessionCall current;
    private ResumeTicket ticket;
    private ScheduledFuture<?> heartbeats;
    private ScheduledFuture<?> welcomeDeadline;
    private ScheduledFuture<?> nextAttempt;
    private boolean stopping;
    /** The periodic {@link #checkHandler()}, cancelled when the client ends (its threads may be a pool's). */
    private volatile ScheduledFuture<?> handlerChecks;

    /** The call whose session is open; written on the session thread, read anywhere. */
    volatile SessionCall open;
    volatile String sessionId = "";

    /** See {@link SessionClient}'s constructors; {@code link} is the client itself. */
    SessionLoop(SessionSettings settings, TransportSecurity security, CommandHandler handler, Clock clock,
            Ticker ticker, SessionThreads threads, CoordinatorLink link) {
        this.settings = settings;
        this.handler = handler;
        this.clock = clock;
        this.ticker = ticker;
        this.threads = threads;
        this.link = link;
        this.reconnects = new ReconnectPolicy(settings.reconnect(), new SplittableRandom());
        this.targets = new CoordinatorTargets(settings.coordinators());
        this.timingWarnings = new TimingWarnings(settings);
        this.dialer = new Dialer(settings, security, threads);
        this.diagnosis = new DialDiagnosis(settings, threads);
        if (!settings.resumeSessionId().isEmpty()) {
            ticket = new ResumeTicket(settings.resumeSessionId(), 0, settings.localTiming().leaseTtl(), clock.instant());
        }
    }

    private String agentId() {
        return settings.agentId();
    }

    /** Dials the coordinator (next in the list) unless the client is ending; the first call starts the client. */
    void connect() {
        nextAttempt = null;
        if (stopping || exit.isDone()) {
            return;
        }
        if (!dialer.takePlace()) {
            // Other sessions of this process are mid-handshake: wait for a place rather than queue behind them.
            nextAttempt = threads.schedule(this::connect, dialer.placeWait());
            return;
        }
        ManagedChannel channel;
        try {
            channel = dialer.channel(targets.next());
        } catch (TlsFilesException e) {
            dialer.doneDialling();
            causes.record(DisconnectCause.TLS_FILES_UNUSABLE);
            fatal(DisconnectCause.TLS_FILES_UNUSABLE, e.getMessage());
            return;
        }
        // The coordinator decides whether the lease still runs: always offer to resume.
        String resume = ticket == null ? "" : ticket.sessionId();
        SessionCall call = SessionCall.open(channel, attempts.incrementAndGet(), !resume.isEmpty(), events, ticker);
        current = call;
        call.send(AgentMessage.newBuilder().setHello(Hellos.hello(settings, handler, resume, clock.millis())).build());
        Duration deadline = settings.welcomeTimeout();
        welcomeDeadline = threads.schedule(() -> {
            if (current == call && open != call) {
                failed(call, DisconnectCause.DEADLINE_EXCEEDED, "no Welcome within " + deadline.toMillis()
                        + " ms of dialling (connect, TLS handshake and Hello)");
            }
        }, deadline);
        log.debug("event=session_dialling agent={} coordinator={} attempt={} resume={}", agentId(),
                targets.current(), call.attempt, !resume.isEmpty());
    }

    private void received(SessionCall call, CoordinatorMessage message, long receivedNanos) {
        if (call != current) {
            return;
        }
        switch (message.getBodyCase()) {
            case WELCOME -> welcomed(call, message.getWelcome());
            case REJECT -> rejected(call, message.getReject());
            case HEARTBEAT_ACK -> acked(call, message.getHeartbeatAck(), receivedNanos);
            case COMMAND -> command(call, message.getCommand());
            case FENCED -> fenced(call, message.getFenced());
            case BODY_NOT_SET -> log.debug("event=unknown_message agent={} detail=\"a message this build does not know"
                    + " (newer coordinator?); ignored\"", agentId());
        }
    }

    private void welcomed(SessionCall call, Welcome welcome) {
        cancel(welcomeDeadline);
        LeaderTerm term = LeaderTerm.of(welcome.getLeaderTerm());
        if (!targets.welcomed(term)) {
            end(call);
            causes.record(DisconnectCause.STALE_LEADER);
            String detail = "the coordinator at " + targets.current() + " welcomed with " + term + ", older than "
                    + targets.highestTerm() + " seen before: it was deposed; its session and commands are refused";
            log.warn("cause={} event=stale_leader_refused agent={} detail=\"{}\"", DisconnectCause.STALE_LEADER.label(),
                    agentId(), detail);
            targets.failed();
            retryLater(DisconnectCause.STALE_LEADER, detail);
            return;
        }
        if (call.resuming && !welcome.getResumed()) {
            dropSession("the coordinator did not resume session " + ticket.sessionId() + " (its lease expired, or the"
                    + " coordinator restarted)");
        }
        TimingPolicy timing = welcome.getTiming();
        Duration lease = AdvertisedTiming.orElse(timing.getLeaseTtlMs(), settings.localTiming().leaseTtl());
        Duration interval = AdvertisedTiming.orElse(timing.getHeartbeatIntervalMs(),
                settings.localTiming().heartbeatInterval());
        ticket = new ResumeTicket(welcome.getSessionId(), welcome.getSessionEpoch(), lease, clock.instant());
        call.epoch = welcome.getSessionEpoch();
        sessionId = welcome.getSessionId();
        open = call;
        dialer.doneDialling();
        reconnects.reset();
        timingWarnings.check(timing);
        heartbeats = threads.every(() -> heartbeat(call), interval);
        log.info("event=session_open agent={} epoch={} resumed={} coordinator={} protocol={} coordinator_build={}"
                        + " heartbeat_interval_ms={} lease_ttl_ms={} attempt={} leader_term={}", agentId(), welcome.getSessionEpoch(),
                welcome.getResumed(), targets.current(), welcome.getChosenVersion(), welcome.getCoordinatorBuild(),
                interval.toMillis(), lease.toMillis(), call.attempt, term.value());
        listeners.welcomed(welcome);
    }

    private void heartbeat(SessionCall call) {
        if (call != open) {
            return;
        }
        Instant now = clock.instant();
        if (!ticket.resumable(now)) {
            failed(call, DisconnectCause.DEADLINE_EXCEEDED, "no heartbeat ack for " + ticket.silence(now).toMillis()
                    + " ms, longer than the lease-ttl of " + ticket.leaseTtl().toMillis()
                    + " ms: the coordinator or the path to it is stuck");
            return;
        }
        long seq = ++call.seq;
        meter.sent(seq, ticker.nanos());
        Runtime runtime = Runtime.getRuntime();
        call.send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
                .setSeq(seq)
                .setAgentSendTimeMs(now.toEpochMilli())
                .setSessionEpoch(call.epoch)
                .setLastRttMicros(meter.lastRttMicros())
                .setClockOffsetMs(meter.clockOffsetMs())
                .setHeapUsedBytes(runtime.totalMemory() - runtime.freeMemory())).build());
    }

    private void acked(SessionCall call, HeartbeatAck ack, long receivedNanos) {
        if (call != open || (ack.getSessionEpoch() != 0 && ack.getSessionEpoch() != call.epoch)) {
            return;
        }
        if (meter.acked(ack, receivedNanos)) {
            listeners.measured(Duration.ofNanos(meter.lastRttMicros() * 1_000));
        }
        acks.incrementAndGet();
        ticket = ticket.acked(clock.instant());
    }

    private void command(SessionCall call, Command command) {
        if (call != open) {
            return;
        }
        if (command.getSessionEpoch() != call.epoch) {
            log.warn("cause=fenced event=command_ignored agent={} command={} job={} command_epoch={} session_epoch={}",
                    agentId(), command.getCommandId(), command.getJobId(), command.getSessionEpoch(), call.epoch);
            return;
        }
        threads.command("command", agentId(), () -> handler.onCommand(command, link));
    }

    private void rejected(SessionCall call, Reject reject) {
        end(call);
        DisconnectCause cause = RejectCauses.of(reject.getReason());
        causes.record(cause);
        if (!reject.getRetryable()) {
            fatal(cause, "the coordinator at " + targets.current() + " refused agent " + agentId() + " ("
                    + reject.getReason() + "): " + reject.getMessage());
            return;
        }
        if (reject.getReason() == RejectReason.NOT_LEADER) {
            Optional<HostAndPort> leader = CoordinatorTargets.address(reject.getLeaderAddress());
            boolean follow = targets.redirectTo(leader);
            log.info("cause={} event=redirected agent={} standby={} leader={} follow_now={}", cause.label(), agentId(),
                    targets.current(), reject.getLeaderAddress(), follow);
            if (follow) {
                nextAttempt = threads.schedule(this::connect, Duration.ZERO);
                return;
            }
            retryLater(cause, reject.getMessage());
            return;
        }
        if (reject.getReason() == RejectReason.FENCED) {
            dropSession(reject.getMessage());
        }
        log.warn("cause={} event=session_rejected agent={} reason={} retryable=true detail=\"{}\"", cause.label(),
                agentId(), reject.getReason(), reject.getMessage());
        retryLater(cause, reject.getMessage());
    }

    private void fenced(SessionCall call, Fenced fenced) {
        end(call);
        causes.record(DisconnectCause.FENCED);
        log.warn("cause=fenced event=session_fenced agent={} stale_epoch={} current_epoch={} detail=\"{}\"", agentId(),
                fenced.getStaleEpoch(), fenced.getCurrentEpoch(), fenced.getMessage());
        dropSession(fenced.getMessage());
        retryLater(DisconnectCause.FENCED, fenced.getMessage());
    }

    private void failed(SessionCall call, DisconnectCause cause, String detail) {
        if (call != current) {
            return;
        }
        boolean wasOpen = call == open;
        end(call);
        if (stopping) {
            return;
        }
        if (!wasOpen && diagnosis.start(cause, detail, targets.current(),
                why -> lost(call, false, why.cause(), why.detail()))) {
            // The dial failed quietly (no answer, a stalled handshake): the path is looked at before the cause is named.
            return;
        }
        lost(call, wasOpen, cause, detail);
    }

    /** Counts and logs a failed attempt or a lost session, then retries (or ends the client). */
    private void lost(SessionCall call, boolean wasOpen, DisconnectCause cause, String detail) {
        if (stopping || exit.isDone()) {
            return;
        }
        if (wasOpen) {
            Duration quiet = Duration.ofNanos(ticker.nanos() - call.lastTrafficNanos);
            Optional<String> idle = idleCuts.sessionLost(cause, quiet);
            detail = detail + "; quiet for " + quiet.toMillis() + " ms before" + idle.map(i -> "; " + i).orElse("");
            if (idle.isPresent()) {
                cause = DisconnectCause.PATH_IDLE_TIMEOUT;
            }
        }
        causes.record(cause);
        if (!cause.retryable()) {
            fatal(cause, "cannot hold a session with the coordinator at " + targets.current() + ": " + detail
                    + ". Fix: " + cause.explanation());
            return;
        }
        log.warn("cause={} event={} agent={} coordinator={} attempt={} detail=\"{}\"", cause.label(),
                wasOpen ? "session_lost" : "connect_failed", agentId(), targets.current(), call.attempt, detail);
        targets.failed();
        retryLater(cause, detail);
    }

    /** Stops using {@code call}: heartbeats off, stream cancelled, channel closed. */
    private void end(SessionCall call) {
        if (call == current) {
            current = null;
            dialer.doneDialling();
        }
        if (call == open) {
            open = null;
        }
        cancel(heartbeats);
        cancel(welcomeDeadline);
        call.close();
    }

    private void retryLater(DisconnectCause cause, String detail) {
        ReconnectPolicy.Decision decision = reconnects.failed();
        if (decision instanceof ReconnectPolicy.GiveUp giveUp) {
            ended(AgentExit.gaveUp(cause, giveUp.failures(), targets.describe(), detail));
            return;
        }
        ReconnectPolicy.Retry retry = (ReconnectPolicy.Retry) decision;
        log.info("event=reconnect_scheduled agent={} attempt={} delay_ms={}", agentId(), retry.attempt(),
                retry.delay().toMillis());
        nextAttempt = threads.schedule(this::connect, retry.delay());
    }

    /** The coordinator no longer holds this agent's session: the job layer drops its state. */
    private void dropSession(String why) {
        ticket = null;
        sessionId = "";
        log.warn("cause=fenced event=session_dropped agent={} detail=\"{}\"", agentId(), why);
        threads.command("fencing", agentId(), () -> handler.onFenced(why));
    }

    private void fatal(DisconnectCause cause, String what) {
        ended(AgentExit.refused(cause, what));
    }

    /** Logs why the client ends on its own (refused, gave up), then ends it. */
    private void ended(AgentExit result) {
        log.error("cause={} event=session_ended code={} agent={} detail=\"{}\"", result.cause().orElseThrow().label(),
                result.code(), agentId(), result.diagnosis());
        finish(result);
    }

    /** Asks the job layer every {@code period} whether it is broken for good ({@link #checkHandler()}). */
    void startHandlerChecks(Duration period) {
        handlerChecks = threads.every(this::checkHandler, period);
    }

    /** Ends the client when the job layer can no longer serve for good ({@link CommandHandler#broken()}). */
    void checkHandler() {
        if (stopping || exit.isDone()) {
            return;
        }
        handler.broken().ifPresent(why -> {
            log.error("cause=job_layer_broken event=session_ended code={} agent={} detail=\"{}\"", AgentExit.GAVE_UP,
                    agentId(), why);
            finish(AgentExit.broken(why));
        });
    }

    /** Says Goodbye on the open session, if any, and stops reconnecting; {@code done} completes once the stream ends. */
    void sayGoodbye(String reason, CompletableFuture<Void> done) {
        stopping = true;
        cancel(nextAttempt);
        SessionCall call = open;
        if (call == null) {
            done.complete(null);
            return;
        }
        cancel(heartbeats);
        call.send(AgentMessage.newBuilder().setGoodbye(Goodbye.newBuilder()
                .setReason(GoodbyeReason.AGENT_STOPPING).setMessage(reason)).build());
        call.halfClose();
        call.ended.whenComplete((ignored, failure) -> done.complete(null));
        log.info("event=goodbye_sent agent={} epoch={} reason=\"{}\"", agentId(), call.epoch, reason);
    }

    /** Ends the client: completes {@link #exit} unless already done, and stops every thread. */
    void finish(AgentExit result) {
        exit.complete(result);
        stopping = true;
        cancel(nextAttempt);
        cancel(handlerChecks);
        if (current != null) {
            end(current);
        }
        threads.shutdown();
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }
}
