package io.graphagent.coordinator.session;

import io.graphagent.config.ClusterConfig;
import io.graphagent.config.CoordinatorConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.config.Profile;
import io.graphagent.config.TlsConfig;
import java.time.Duration;

/** Configurations for tests on 127.0.0.1: the test profile, listening on any free port. */
final class TestConfigs {

    private TestConfigs() {
    }

    static GraphagentConfig coordinator() {
        GraphagentConfig c = Profile.TEST.defaults();
        return withCoordinator(c, new CoordinatorConfig(new HostPort("127.0.0.1", 0), c.coordinator().adminListen(),
                c.coordinator().stateDir()));
    }

    static GraphagentConfig withHandshakeTimeout(GraphagentConfig c, Duration timeout) {
        TlsConfig t = c.tls();
        return new GraphagentConfig(c.profile(), c.cluster(), c.coordinator(), c.agent(), c.session(), c.grpc(),
                new TlsConfig(t.enabled(), t.ca(), t.cert(), t.key(), t.certsDir(), timeout), c.network(), c.job(), c.admin());
    }

    static GraphagentConfig withCluster(GraphagentConfig c, String id) {
        return new GraphagentConfig(c.profile(), new ClusterConfig(id), c.coordinator(), c.agent(), c.session(), c.grpc(),
                c.tls(), c.network(), c.job(), c.admin());
    }

    private static GraphagentConfig withCoordinator(GraphagentConfig c, CoordinatorConfig coordinator) {
        return new GraphagentConfig(c.profile(), c.cluster(), coordinator, c.agent(), c.session(), c.grpc(), c.tls(),
                c.network(), c.job(), c.admin());
    }
}
