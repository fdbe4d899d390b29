package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JobProgressPrinterTest {
    private final StringWriter text = new StringWriter();
    private final AtomicLong now = new AtomicLong();
    private final JobProgressPrinter printer = new JobProgressPrinter(new PrintWriter(text, true), now::get);

    @Test
    void everyStateChangeAndSlowSuperstepGetsALine() {
        printer.print(state(JobState.QUEUED, ""));
        printer.print(state(JobState.LOADING, "loading pagerank on g"));
        printer.print(state(JobState.RUNNING, ""));
        printer.print(superstep(0));
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        printer.print(superstep(1));
        printer.print(state(JobState.SUCCEEDED, "done: 7 vertices written to /tmp/pr"));

        assertThat(text.toString().lines()).containsExactly(
                "graphagent: job j-1 QUEUED",
                "graphagent: job j-1 LOADING: loading pagerank on g",
                "graphagent: job j-1 RUNNING",
                "graphagent: job j-1 superstep 0 done in 40ms (active vertices 7, messages 12, 1.5 KiB exchanged, elapsed 1.2s)",
                "graphagent: job j-1 superstep 1 done in 40ms (active vertices 7, messages 12, 1.5 KiB exchanged, elapsed 1.2s)",
                "graphagent: job j-1 SUCCEEDED: done: 7 vertices written to /tmp/pr");
    }

    @Test
    void fastSuperstepsAreThinnedAndTheLastIsShownBeforeTheNextChange() {
        printer.print(state(JobState.RUNNING, ""));
        printer.print(superstep(0));
        printer.print(superstep(1));
        printer.print(superstep(2));
        printer.print(state(JobState.RECOVERING, "agent-2 DEAD (lease expired); rolling back to superstep 0"));

        assertThat(text.toString().lines()).containsExactly(
                "graphagent: job j-1 RUNNING",
                "graphagent: job j-1 superstep 0 done in 40ms (active vertices 7, messages 12, 1.5 KiB exchanged, elapsed 1.2s)",
                "graphagent: job j-1 superstep 2 done in 40ms (active vertices 7, messages 12, 1.5 KiB exchanged, elapsed 1.2s)",
                "graphagent: job j-1 RECOVERING: agent-2 DEAD (lease expired); rolling back to superstep 0");
    }

    @Test
    void failureIsLeftToTheCommandsErrorLine() {
        printer.print(state(JobState.LOADING, ""));
        printer.print(state(JobState.FAILED, "agent-2: source vertex 999 is not in the graph"));

        assertThat(text.toString().lines()).containsExactly("graphagent: job j-1 LOADING");
    }

    @Test
    void bytesUseBinaryUnits() {
        assertThat(JobProgressPrinter.bytes(512)).isEqualTo("512 B");
        assertThat(JobProgressPrinter.bytes(3 * 1024 * 1024)).isEqualTo("3.0 MiB");
    }

    private static JobProgress state(JobState state, String message) {
        return JobProgress.newBuilder().setJobId("j-1").setState(state).setMessage(message).build();
    }

    private static JobProgress superstep(int superstep) {
        return JobProgress.newBuilder().setJobId("j-1").setState(JobState.RUNNING).setSuperstep(superstep).setActiveVertices(7)
                .setMessages(12).setBytesExchanged(1536).setSuperstepTimeMs(40).setElapsedMs(1200).build();
    }
}
