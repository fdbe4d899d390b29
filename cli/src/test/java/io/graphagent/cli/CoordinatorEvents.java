package io.graphagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The coordinator's event log ({@code STATE/coordinator/events.jsonl}) as a fault test reads it:
 * when each agent changed state and why, when the job changed state and recovered.
 *
 * @param events every event in file order
 */
record CoordinatorEvents(List<Event> events) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line of the log; {@code time} is the coordinator's clock. */
    record Event(long seq, Instant time, String kind, String agent, String cause, String detail) {
        boolean agentBecame(String agentId, String state) {
            return kind.equals("agent_state") && agent.equals(agentId) && detail.endsWith("-> " + state);
        }

        boolean anyAgentBecame(String state) {
            return kind.equals("agent_state") && detail.endsWith("-> " + state);
        }

        boolean jobBecame(String state) {
            return kind.equals("job_state") && cause.equals(state);
        }
    }

    /** Reads the event log of the local cluster in {@code state}. */
    static CoordinatorEvents read(LocalState state) {
        return read(state.dir().resolve("coordinator").resolve("events.jsonl"));
    }

    /** Reads the event log {@code file} (a coordinator of the etcd store keeps one in its own state dir). */
    static CoordinatorEvents read(Path file) {
        List<Event> events = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode e = JSON.readTree(line);
                events.add(new Event(e.path("seq").asLong(), Instant.parse(e.path("time").asText()), e.path("kind").asText(),
                        e.path("agent").asText(), e.path("cause").asText(), e.path("detail").asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new CoordinatorEvents(List.copyOf(events));
    }

    /** The first event matching {@code test} at or after {@code from}. */
    Optional<Event> first(Predicate<Event> test, Instant from) {
        return events.stream().filter(e -> !e.time().isBefore(from)).filter(test).findFirst();
    }

    /** The first DEAD of {@code agent} at or after {@code from}; fails the test, listing the log, when there is none. */
    Event deadAfter(String agent, Instant from) {
        return first(e -> e.agentBecame(agent, "DEAD"), from)
                .orElseThrow(() -> new AssertionError(agent + " never DEAD:" + describe()));
    }

    /**
     * The log of the local cluster in {@code state} once it holds a DEAD of {@code agent} at or after {@code from}, read
     * again until it does for at most {@code bound}: a short job can end before the exit probe that declares its killed
     * agent DEAD has answered. Fails the test, listing the log, when the bound passes.
     */
    static CoordinatorEvents awaitDead(LocalState state, String agent, Instant from, Duration bound) {
        CoordinatorEvents[] seen = {read(state)};
        try {
            Awaitility.await().pollInterval(Duration.ofMillis(50)).atMost(bound)
                    .until(() -> (seen[0] = read(state)).first(e -> e.agentBecame(agent, "DEAD"), from).isPresent());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(agent + " never DEAD within " + bound + ":" + seen[0].describe(), e);
        }
        return seen[0];
    }

    /** Events matching {@code test}. */
    List<Event> all(Predicate<Event> test) {
        return events.stream().filter(test).toList();
    }

    /** The log as lines, for assertion messages. */
    String describe() {
        StringBuilder text = new StringBuilder();
        for (Event e : events) {
            text.append('\n').append(e.time()).append(' ').append(e.kind()).append(' ').append(e.agent()).append(' ')
                    .append(e.cause()).append(' ').append(e.detail());
        }
        return text.toString();
    }
}
