package io.graphagent.cli;

import io.graphagent.config.FileTree;
import io.graphagent.config.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The state directory of {@code graphagent local} (default {@value #DEFAULT_DIR}), which the
 * client commands read when given no flags:
 *
 * <pre>
 * certs/                 ca.pem, coordinator.pem, agent-N.pem, client.pem and keys (fresh at every start)
 * config.yaml            the configuration every process of the local cluster reads
 * coordinator.address    HOST:PORT the coordinator listens on, present while the cluster runs
 * admin.address          HOST:PORT of the coordinator's admin HTTP server, likewise
 * logs/                  coordinator.log, agent-N.log
 * agents/agent-N/        each agent's work directory
 * local.lock             held by the running {@code graphagent local}
 * </pre>
 */
record LocalState(Path dir) {
    /** Default state directory, relative to the working directory. */
    static final String DEFAULT_DIR = ".graphagent/local";

    Path certs() {
        return dir.resolve("certs");
    }

    Path config() {
        return dir.resolve("config.yaml");
    }

    Path addressFile() {
        return dir.resolve("coordinator.address");
    }

    /** HOST:PORT of the coordinator's admin HTTP server, present while the cluster runs. */
    Path adminAddressFile() {
        return dir.resolve("admin.address");
    }

    /** The admin HTTP address while a local cluster runs; empty when the file is absent or unreadable. */
    Optional<HostPort> adminAddress() {
        try {
            return Optional.of(HostPort.parse(Files.readString(adminAddressFile(), StandardCharsets.UTF_8).strip()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    Path logs() {
        return dir.resolve("logs");
    }

    Path log(String process) {
        return logs().resolve(process + ".log");
    }

    Path agentDir(String agent) {
        return dir.resolve("agents").resolve(agent);
    }

    Path checkpoints() {
        return dir.resolve("checkpoints");
    }

    Path lockFile() {
        return dir.resolve("local.lock");
    }

    /** True when a local cluster was set up here (its config exists). */
    boolean exists() {
        return Files.isRegularFile(config());
    }

    /** The coordinator's address while a local cluster runs; empty when the file is absent. */
    Optional<HostPort> address() {
        try {
            return Optional.of(HostPort.parse(Files.readString(addressFile(), StandardCharsets.UTF_8).strip()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            throw new BadInputException(addressFile() + " is unreadable or not HOST:PORT (" + e.getMessage() + ")",
                    "restart 'graphagent local', or pass --coordinator HOST:PORT");
        }
    }

    /**
     * Deletes {@code tree} (a directory of this state, made afresh at every start: certs/, etcd/)
     * with everything in it; nothing when it does not exist.
     */
    void deleteTree(Path tree) throws IOException {
        FileTree.delete(tree);
    }
}
