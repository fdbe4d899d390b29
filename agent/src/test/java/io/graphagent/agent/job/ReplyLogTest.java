package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.DropReplicas;
import io.graphagent.protocol.v1.ReplicatePartitions;
import io.graphagent.protocol.v1.Report;
import org.junit.jupiter.api.Test;

class ReplyLogTest {
    private static Report report(long command, String job) {
        return Report.newBuilder().setCommandId(command).setJobId(job).build();
    }

    private static Command command(long id) {
        return Command.newBuilder().setCommandId(id).setJobId("job-1").setJobEpoch(1).build();
    }

    @Test
    void aCommandSeenBeforeIsAnsweredWithTheReportsSentForItInOrder() {
        ReplyLog log = new ReplyLog();
        assertThat(log.first(command(7))).isTrue();
        log.sent(7, report(7, "a"));
        log.sent(7, report(7, "b"));
        assertThat(log.first(command(7).toBuilder().setSessionEpoch(2).build())).as("sent again after a resume")
                .isFalse();
        assertThat(log.reports(7)).extracting(Report::getJobId).containsExactly("a", "b");
    }

    @Test
    void onlyTheMostRecentCommandsAreKeptAndFencingForgetsThemAll() {
        ReplyLog log = new ReplyLog();
        for (long id = 1; id <= ReplyLog.COMMANDS + 1; id++) {
            assertThat(log.first(command(id))).isTrue();
            log.sent(id, report(id, "j"));
        }
        assertThat(log.reports(1)).as("the eldest is forgotten").isEmpty();
        assertThat(log.reports(ReplyLog.COMMANDS + 1)).hasSize(1);
        log.clear();
        assertThat(log.first(command(ReplyLog.COMMANDS + 1))).as("a new session's ids start afresh").isTrue();
    }

    @Test
    void aDifferentCommandUnderARememberedIdIsRunNotAnsweredWithTheOldReports() {
        // A session carried over to a new leader keeps the log; the new leader numbers its commands from 1 again.
        ReplyLog log = new ReplyLog();
        Command drop = Command.newBuilder().setCommandId(41).setJobId("graph-g").setJobEpoch(3)
                .setDropReplicas(DropReplicas.newBuilder().addPartitionIds(2)).build();
        Command copy = Command.newBuilder().setCommandId(41).setJobId("graph-g").setJobEpoch(3)
                .setReplicatePartitions(ReplicatePartitions.newBuilder().setGraph("g")).build();
        assertThat(log.first(drop)).isTrue();
        log.sent(41, report(41, "dropped"));
        assertThat(log.first(copy)).as("the new leader's command 41 is another command").isTrue();
        assertThat(log.reports(41)).as("the drop's report is not the copy's").isEmpty();
        log.sent(41, report(41, "copied"));
        assertThat(log.first(copy)).as("the copy sent again").isFalse();
        assertThat(log.reports(41)).extracting(Report::getJobId).containsExactly("copied");
    }

    @Test
    void aReplacedIdBecomesTheNewestAndTheEldestIsForgottenFirst() {
        ReplyLog log = new ReplyLog();
        for (long id = 1; id <= ReplyLog.COMMANDS; id++) {
            log.first(command(id));
            log.sent(id, report(id, "j"));
        }
        log.first(command(1).toBuilder().setJobEpoch(2).build());
        log.sent(1, report(1, "again"));
        log.first(command(ReplyLog.COMMANDS + 1));
        assertThat(log.reports(1)).as("id 1 was renewed, so id 2 went").extracting(Report::getJobId).containsExactly("again");
        assertThat(log.reports(2)).isEmpty();
    }

    @Test
    void reportsOfACommandNeverRegisteredAreNotKept() {
        ReplyLog log = new ReplyLog();
        log.sent(3, report(3, "x"));
        assertThat(log.reports(3)).isEmpty();
    }
}
