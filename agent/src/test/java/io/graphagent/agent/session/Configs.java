package io.graphagent.agent.session;

import io.graphagent.config.AgentConfig;
import io.graphagent.config.ClusterConfig;
import io.graphagent.config.CoordinatorConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.config.Profile;
import java.nio.file.Path;
import java.util.Optional;

/** Configurations of a coordinator and agents on 127.0.0.1 for tests. */
final class Configs {

    private Configs() {
    }

    /** A coordinator of the test profile on any free port. */
    static GraphagentConfig coordinator() {
        GraphagentConfig c = Profile.TEST.defaults();
        return new GraphagentConfig(c.profile(), c.cluster(),
                new CoordinatorConfig(new HostPort("127.0.0.1", 0), c.coordinator().adminListen(), c.coordinator().stateDir()),
                c.agent(), c.session(), c.grpc(), c.tls(), c.network(), c.job(), c.admin());
    }

    /** An agent of {@code profile} dialling 127.0.0.1:{@code port}, with id {@code id} (empty: from its certificate). */
    static GraphagentConfig agent(Profile profile, int port, String id, Path workDir) {
        GraphagentConfig c = profile.defaults();
        AgentConfig a = c.agent();
        return new GraphagentConfig(c.profile(), c.cluster(), c.coordinator(),
                new AgentConfig(new HostPort("127.0.0.1", port), a.dataListen(), Optional.empty(), id, workDir),
                c.session(), c.grpc(), c.tls(), c.network(), c.job(), c.admin());
    }

    static GraphagentConfig withCluster(GraphagentConfig c, String cluster) {
        return new GraphagentConfig(c.profile(), new ClusterConfig(cluster), c.coordinator(), c.agent(), c.session(),
                c.grpc(), c.tls(), c.network(), c.job(), c.admin());
    }
}
