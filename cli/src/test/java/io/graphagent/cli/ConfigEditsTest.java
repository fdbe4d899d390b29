package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.QueryConfig;
import io.graphagent.config.QueryRouting;
import org.junit.jupiter.api.Test;

/** Command-line edits of a loaded configuration keep every other section (query.routing was once lost). */
class ConfigEditsTest {
    @Test
    void editsKeepTheQuerySection() {
        GraphagentConfig loaded = GraphagentConfig.defaults()
                .withQuery(QueryConfig.defaults().withRouting(QueryRouting.ROUND_ROBIN));
        assertThat(ConfigEdits.with(loaded, loaded.coordinator()).query().routing()).isEqualTo(QueryRouting.ROUND_ROBIN);
        assertThat(ConfigEdits.with(loaded, loaded.agent()).query()).isEqualTo(loaded.query());
        assertThat(ConfigEdits.with(loaded, loaded.tls()).query()).isEqualTo(loaded.query());
    }
}
