package io.graphagent.ops.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.net.testing.FakeClock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event log's lines for a coordinator restart, as operators and fault tests read them. */
class EventLogTest {

    @TempDir
    Path state;

    @Test
    void aJobResumedAfterARestartIsOneJobResumedEventWithItsSuperstep() throws Exception {
        try (EventLog events = EventLog.open(state, new FakeClock())) {
            events.resumedAfterRestart("job-4", 15);
        }

        assertThat(Files.readAllLines(state.resolve(EventLog.FILE_NAME))).singleElement().asString()
                .contains("\"kind\":\"job_resumed\"", "\"cause\":\"coordinator_restarted\"",
                        "\"detail\":\"job-4: resumed at superstep 15 after the coordinator restarted\"");
    }

    @Test
    void aRestartedCoordinatorAppendsToTheLogOfTheLastOne() throws Exception {
        try (EventLog first = EventLog.open(state, new FakeClock())) {
            first.append("job_state", "", "RUNNING", "job-1: running");
        }
        try (EventLog second = EventLog.open(state, new FakeClock())) {
            second.append("coordinator_restarted", "", "coordinator_restarted", "incarnation 2");
        }

        assertThat(Files.readAllLines(state.resolve(EventLog.FILE_NAME))).hasSize(2);
    }
}
