package io.graphagent.ops.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphagent.coordinator.job.JobListener;
import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureWindows;
import io.graphagent.protocol.v1.JobState;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's event log: every agent state change, job state change and connection
 * failure, as one JSON object per line ({@code seq, time, kind, agent, cause, detail}) appended
 * to {@value #FILE_NAME} in the state directory, and kept in memory (the last {@value #RING}) for
 * {@code /api/events}. Appends are flushed per line so that {@code tail -f} and a crash lose
 * nothing. Connection failures are aggregated per source and cause ({@link FailureWindows}):
 * the first of a window is one event, the rest one more event with their count once the window
 * is over ({@link #flushFailures()}, called on a timer), so a flood of junk connections never
 * pushes the agent and job events out of the ring. Thread-safe: listeners call it from the
 * session, network and job-driver threads.
 */
public final class EventLog implements JobListener, AutoCloseable {

    /** File name under {@code coordinator.state-dir}. */
    public static final String FILE_NAME = "events.jsonl";
    /** Events kept in memory for the API; older ones are only in the file. */
    public static final int RING = 1000;
    /** Connection failures of one source and cause within this long make at most two events. */
    public static final Duration FAILURE_WINDOW = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(EventLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private final ArrayDeque<Event> ring = new ArrayDeque<>();
    private final BufferedWriter file;
    private final FailureWindows failures;
    private long seq;

    private EventLog(Clock clock, BufferedWriter file) {
        this.clock = clock;
        this.file = file;
        this.failures = new FailureWindows(FAILURE_WINDOW, () -> clock.millis() * 1_000_000L);
    }

    /** A log appending to {@code stateDir/events.jsonl} (created if absent). */
    public static EventLog open(Path stateDir, Clock clock) throws IOException {
        Files.createDirectories(stateDir);
        return new EventLog(clock, Files.newBufferedWriter(stateDir.resolve(FILE_NAME), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    /** A log kept in memory only (agents, tests). */
    public static EventLog inMemory(Clock clock) {
        return new EventLog(clock, null);
    }

    /** Records agent transitions from {@code directory} and connection failures from {@code causes}. */
    public void observe(AgentDirectory directory, CauseCounter causes) {
        directory.addListener((agent, from, to, cause) -> append("agent_state", agent, cause,
                from.name() + " -> " + to.name()));
        observe(causes, "");
    }

    /**
     * Records connection failures from {@code causes}, aggregated per source and cause; {@code agent}
     * names the process they happened in (empty on the coordinator).
     */
    public void observe(CauseCounter causes, String agent) {
        causes.addListener(new CauseCounter.Listener() {
            @Override
            public void recorded(DisconnectCause cause, long total) {
                recorded(cause, total, "");
            }

            @Override
            public void recorded(DisconnectCause cause, long total, String source) {
                for (FailureWindows.Report r : failures.failure(cause, source)) {
                    appendFailure(agent, r);
                }
            }
        });
    }

    /** Appends the counts of the failure windows that are over; call it about once per {@link #FAILURE_WINDOW}. */
    public void flushFailures() {
        for (FailureWindows.Report r : failures.due()) {
            appendFailure("", r);
        }
    }

    private void appendFailure(String agent, FailureWindows.Report r) {
        String from = r.source().isEmpty() ? "" : "from " + r.source() + ": ";
        append("connection_failure", agent, r.cause().label(), from + r.cause().explanation() + r.suffix());
    }

    @Override
    public void stateChanged(String job, JobState state, String detail) {
        append("job_state", "", state.name(), job + ": " + detail);
    }

    @Override
    public void recovered(String job, int resumeStep, int redone, long millis) {
        append("job_recovered", "", "recovered", job + ": resumed at superstep " + resumeStep + " after " + millis + " ms ("
                + redone + " superstep" + (redone == 1 ? "" : "s") + " to redo)");
    }

    @Override
    public void resumedAfterRestart(String job, int resumeStep) {
        append("job_resumed", "", "coordinator_restarted", job + ": resumed at superstep " + resumeStep
                + " after the coordinator restarted");
    }

    /** Appends one event; returns it. A failed file write is logged and the event still kept in memory. */
    public Event append(String kind, String agent, String cause, String detail) {
        synchronized (ring) {
            Event event = new Event(++seq, clock.instant().toString(), kind, agent, cause, detail);
            ring.addLast(event);
            if (ring.size() > RING) {
                ring.removeFirst();
            }
            if (file != null) {
                try {
                    file.write(JSON.writeValueAsString(event));
                    file.newLine();
                    file.flush();
                } catch (IOException e) {
                    log.warn("event=event_log_write_failed detail=\"{}\"", e.toString());
                }
            }
            return event;
        }
    }

    /** Events with a sequence number above {@code since}, oldest first (from the in-memory ring). */
    public List<Event> since(long since) {
        synchronized (ring) {
            List<Event> out = new ArrayList<>();
            for (Event e : ring) {
                if (e.seq() > since) {
                    out.add(e);
                }
            }
            return out;
        }
    }

    /** The most recent event, if any. */
    public Optional<Event> last() {
        synchronized (ring) {
            return Optional.ofNullable(ring.peekLast());
        }
    }

    @Override
    public void close() {
        synchronized (ring) {
            if (file != null) {
                try {
                    file.close();
                } catch (IOException e) {
                    log.warn("event=event_log_close_failed detail=\"{}\"", e.toString());
                }
            }
        }
    }
}
