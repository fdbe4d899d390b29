package io.graphagent.cli;

import io.graphagent.config.AgentConfig;
import io.graphagent.config.CoordinatorConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.TlsConfig;

/**
 * Copies of an immutable {@link GraphagentConfig} with one section replaced: how command-line
 * flags are laid over the loaded file.
 */
final class ConfigEdits {
    private ConfigEdits() {
    }

    static GraphagentConfig with(GraphagentConfig c, CoordinatorConfig coordinator) {
        return new GraphagentConfig(c.profile(), c.cluster(), coordinator, c.agent(), c.session(), c.grpc(), c.tls(),
                c.network(), c.job(), c.admin(), c.query());
    }

    static GraphagentConfig with(GraphagentConfig c, AgentConfig agent) {
        return new GraphagentConfig(c.profile(), c.cluster(), c.coordinator(), agent, c.session(), c.grpc(), c.tls(),
                c.network(), c.job(), c.admin(), c.query());
    }

    static GraphagentConfig with(GraphagentConfig c, TlsConfig tls) {
        return new GraphagentConfig(c.profile(), c.cluster(), c.coordinator(), c.agent(), c.session(), c.grpc(), tls,
                c.network(), c.job(), c.admin(), c.query());
    }
}
