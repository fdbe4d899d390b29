package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.protocol.v1.Report;
import org.junit.jupiter.api.Test;

class ReplyLogTest {
    private static Report report(long command, String job) {
        return Report.newBuilder().setCommandId(command).setJobId(job).build();
    }

    @Test
    void aCommandSeenBeforeIsAnsweredWithTheReportsSentForItInOrder() {
        ReplyLog log = new ReplyLog();
        assertThat(log.first(7)).isTrue();
        log.sent(7, report(7, "a"));
        log.sent(7, report(7, "b"));
        assertThat(log.first(7)).as("sent again after a resume").isFalse();
        assertThat(log.reports(7)).extracting(Report::getJobId).containsExactly("a", "b");
    }

    @Test
    void onlyTheMostRecentCommandsAreKeptAndFencingForgetsThemAll() {
        ReplyLog log = new ReplyLog();
        for (long id = 1; id <= ReplyLog.COMMANDS + 1; id++) {
            assertThat(log.first(id)).isTrue();
            log.sent(id, report(id, "j"));
        }
        assertThat(log.reports(1)).as("the eldest is forgotten").isEmpty();
        assertThat(log.reports(ReplyLog.COMMANDS + 1)).hasSize(1);
        log.clear();
        assertThat(log.first(ReplyLog.COMMANDS + 1)).as("a new session's ids start afresh").isTrue();
    }

    @Test
    void reportsOfACommandNeverRegisteredAreNotKept() {
        ReplyLog log = new ReplyLog();
        log.sent(3, report(3, "x"));
        assertThat(log.reports(3)).isEmpty();
    }
}
