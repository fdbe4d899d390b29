package io.graphagent.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.net.testing.FakeClock;
import io.graphagent.net.testing.LogCapture;
import io.graphagent.protocol.v1.Algorithm;
import io.graphagent.protocol.v1.CancelJobRequest;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.SubmitRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A job's supersteps are logged one line each at DEBUG on {@code graphagent.timing}, and at INFO
 * only as a progress line after the first superstep and then at most every
 * {@link SuperstepLoop#PROGRESS_EVERY} (one INFO line per superstep made 16.8k lines for one
 * CDLP job).
 */
class SuperstepLoggingTest {

    @TempDir
    Path dir;

    @Test
    void superstepsAreLoggedAtDebugAndProgressAtInfoAtMostEveryInterval() throws Exception {
        Files.writeString(dir.resolve("g.e"), "1 2\n2 3\n3 1\n");
        FakeClock clock = new FakeClock();
        ScriptedAgents agents = ScriptedAgents.alive(1);
        GraphagentConfig config = TestConfigs.withJob(job -> job.withCheckpointEvery(0).withCheckpointDir(dir.resolve("cp")));
        Logger timing = (Logger) LoggerFactory.getLogger("graphagent.timing");
        ListAppender<ILoggingEvent> timingLines = new ListAppender<>();
        timingLines.start();
        timing.addAppender(timingLines);
        Level timingLevel = timing.getLevel();
        timing.setLevel(Level.DEBUG);
        try (LogCapture loop = new LogCapture(SuperstepLoop.class);
             JobScheduler scheduler = new JobScheduler(agents, config, clock)) {
            String id = scheduler.submit(SubmitRequest.newBuilder().setJob(JobSpec.newBuilder().setAlgorithm(Algorithm.PAGERANK)
                    .setGraph(dir.resolve("g.e").toString()).setDirected(true).setIterations(5).setPartitions(2)
                    .setOutputPath(dir.resolve("out.txt").toString())).build()).getJobId();
            while (true) {
                ScriptedAgents.Sent s = agents.next();
                Command c = s.command();
                if (c.getKindCase() == Command.KindCase.WRITE_OUTPUT) {
                    break;
                }
                if (c.getKindCase() == Command.KindCase.START_SUPERSTEP && c.getStartSuperstep().getSuperstep() == 3) {
                    clock.advance(SuperstepLoop.PROGRESS_EVERY);
                }
                ScriptedAgents.answer(scheduler, s, ScriptedAgents.ok(c));
            }
            scheduler.cancel(CancelJobRequest.newBuilder().setJobId(id).build());
            await().atMost(ScriptedAgents.WAIT).until(() -> scheduler.jobs(true).getFirst().getState() == JobState.CANCELLED);

            assertThat(loop.containing("superstep_done")).isEmpty();
            List<ILoggingEvent> progress = loop.containing("event=job_progress job=" + id);
            assertThat(progress).extracting(ILoggingEvent::getLevel).containsOnly(Level.INFO);
            assertThat(progress).extracting(ILoggingEvent::getFormattedMessage)
                    .satisfiesExactly(first -> assertThat(first).contains(" superstep=0 max_supersteps=6 "),
                            later -> assertThat(later).contains(" superstep=3 "));
            List<ILoggingEvent> steps = timingLines.list.stream()
                    .filter(e -> e.getFormattedMessage().startsWith("event=superstep_done job=" + id)).toList();
            assertThat(steps).hasSize(6).extracting(ILoggingEvent::getLevel).containsOnly(Level.DEBUG);
        } finally {
            timing.detachAppender(timingLines);
            timing.setLevel(timingLevel);
        }
    }
}
