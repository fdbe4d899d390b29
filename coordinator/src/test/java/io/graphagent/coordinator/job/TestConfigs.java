package io.graphagent.coordinator.job;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.JobConfig;
import io.graphagent.config.Profile;
import java.util.function.UnaryOperator;

/** Configurations for job-layer tests: the test profile with the job section changed. */
final class TestConfigs {

    private TestConfigs() {
    }

    /** The test profile with its job section changed by {@code job}. */
    static GraphagentConfig withJob(UnaryOperator<JobConfig> job) {
        GraphagentConfig d = Profile.TEST.defaults();
        return new GraphagentConfig(d.profile(), d.cluster(), d.coordinator(), d.agent(), d.session(), d.grpc(), d.tls(),
                d.network(), job.apply(d.job()), d.admin());
    }
}
