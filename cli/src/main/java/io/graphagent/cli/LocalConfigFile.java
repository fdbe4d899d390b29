package io.graphagent.cli;

import io.graphagent.config.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code config.yaml} of a local cluster: what every one of its processes reads, and what
 * {@code submit} and {@code status} read when run beside it. Paths are absolute so that the
 * file means the same from any working directory.
 */
final class LocalConfigFile {
    private LocalConfigFile() {
    }

    /**
     * @param coordinator where the coordinator listens and the agents dial (port 0 until it is known)
     * @param admin the coordinator's admin HTTP address
     * @param tls mutual TLS with the certificates in {@link LocalState#certs()}; false for plaintext
     */
    static void write(LocalState state, HostPort coordinator, HostPort admin, boolean tls) throws IOException {
        Path dir = state.dir().toAbsolutePath().normalize();
        StringBuilder yaml = new StringBuilder()
                .append("# Written by 'graphagent local' at every start (edits are lost). Every process of the local\n")
                .append("# cluster reads it, and so do submit and status run beside it.\n")
                .append("profile: lan\n")
                .append("coordinator:\n")
                .append("  listen: ").append(coordinator).append('\n')
                .append("  admin-listen: ").append(admin).append('\n')
                .append("  state-dir: ").append(quoted(dir.resolve("coordinator"))).append('\n')
                .append("agent:\n")
                .append("  coordinator: ").append(coordinator).append('\n')
                .append("  data-listen: 127.0.0.1:0\n")
                .append("  # each agent's own directory below it comes with GRAPHAGENT_AGENT_WORK_DIR; the coordinator\n")
                .append("  # keeps jobs out of all of them\n")
                .append("  work-dir: ").append(quoted(dir.resolve("agents"))).append('\n')
                .append("tls:\n")
                .append("  enabled: ").append(tls).append('\n');
        if (tls) {
            yaml.append("  certs-dir: ").append(quoted(state.certs().toAbsolutePath().normalize())).append('\n');
        }
        yaml.append("job:\n")
                .append("  checkpoint-dir: ").append(quoted(state.checkpoints().toAbsolutePath().normalize())).append('\n');
        Files.writeString(state.config(), yaml.toString(), StandardCharsets.UTF_8);
    }

    /** A YAML single-quoted scalar: no escapes but the doubled quote. */
    private static String quoted(Path path) {
        return "'" + path.toString().replace("'", "''") + "'";
    }
}
