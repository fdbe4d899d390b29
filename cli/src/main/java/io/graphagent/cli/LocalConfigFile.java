package io.graphagent.cli;

import io.graphagent.config.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

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
     * @param adminToken the admin API's token ({@link #newToken()}, made at every start): the file
     *     is then readable by its owner only
     */
    static void write(LocalState state, HostPort coordinator, HostPort admin, boolean tls, String adminToken)
            throws IOException {
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
        // The query HTTP API beside the admin one (7480 -> 7490); any free port when the admin's is.
        yaml.append("query:\n")
                .append("  http-listen: ").append(new HostPort(admin.host(), admin.port() == 0 ? 0 : admin.port() + 10))
                .append('\n');
        yaml.append("admin:\n")
                .append("  # changing log levels needs it, also on loopback; events, log-level and the dashboard URL\n")
                .append("  # that local prints take it from here\n")
                .append("  token: ").append(adminToken).append('\n');
        Path config = state.config();
        Files.deleteIfExists(config);
        try {
            Files.createFile(config, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(config);
        }
        Files.writeString(config, yaml.toString(), StandardCharsets.UTF_8);
    }

    /** A fresh admin token: 128 random bits in hex. */
    static String newToken() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A YAML single-quoted scalar: no escapes but the doubled quote. */
    private static String quoted(Path path) {
        return "'" + path.toString().replace("'", "''") + "'";
    }
}
