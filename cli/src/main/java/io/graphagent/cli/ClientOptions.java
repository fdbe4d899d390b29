package io.graphagent.cli;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.HostPort;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TransportSecurity;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a client command ({@code submit}, {@code status}, {@code graph}, {@code query},
 * {@code doctor}) finds the coordinator and proves who it is. Flags win: {@code --coordinator},
 * else with {@code --etcd} the leader read from etcd's leader key (a registered standby when
 * none leads: it answers Status with the control plane and why no one leads); without them the
 * state directory of {@code graphagent local} supplies the address (its
 * {@code coordinator.address}), the configuration and the {@code client} certificate, so a
 * newcomer types no flags; without that, {@code --config} or the defaults.
 */
final class ClientOptions {

    @Option(names = "--coordinator", paramLabel = "HOST:PORT", converter = AddressConverter.class,
            description = "The coordinator to call. Default: with --etcd the leader registered in etcd, else the running "
                    + "'graphagent local' (STATE/coordinator.address), else agent.coordinator of --config, else 127.0.0.1:7400.")
    HostPort coordinator;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = LocalState.DEFAULT_DIR,
            description = "State directory of 'graphagent local' to take the address, configuration and client "
                    + "certificate from when no --config is given. Default: ${DEFAULT-VALUE}.")
    Path stateDir;

    @Mixin
    ConfigOption config;

    @Mixin
    TlsOptions tls;

    @Mixin
    EtcdOptions etcd;

    /**
     * Opens the connection (nothing is sent yet).
     *
     * @throws BadInputException when no certificates are configured anywhere
     * @throws TlsFilesException when the client's files are unusable
     */
    CoordinatorClient connect() throws TlsFilesException {
        LocalState state = new LocalState(stateDir);
        boolean fromState = config.file() == null && state.exists();
        GraphagentConfig loaded = ConfigOption.load(fromState ? state.config() : config.file(), System.getenv());
        GraphagentConfig effective = etcd.applyTo(tls.applyTo(loaded), false);

        HostPort address = coordinator;
        String hint = "";
        if (address == null && etcd.endpoints != null) {
            address = CoordinatorsFromEtcd.resolve(effective, java.util.List.of(), false).getFirst();
            hint = "the address is the leader key of cluster " + effective.cluster().id() + " in etcd at "
                    + String.join(",", effective.coordinator().etcd().endpoints());
        } else if (address == null && fromState) {
            address = state.address().orElse(effective.agent().coordinator());
            hint = "is 'graphagent local' running? (state directory " + stateDir + ")";
        } else if (address == null) {
            address = effective.agent().coordinator();
            if (config.file() == null) {
                hint = "no local cluster in " + stateDir + ": start one with 'graphagent local', or pass --coordinator HOST:PORT";
            }
        }
        if (effective.tls().enabled() && TlsIdentity.files(effective.tls(), ClientIdentity.NAME).isEmpty()) {
            throw new BadInputException("no client certificate: no --certs, no --config with tls settings, and no local "
                    + "cluster in " + stateDir,
                    "start one with 'graphagent local' (then no flags are needed), or pass --certs DIR made by "
                            + "'graphagent certs init' (its client.pem), or --ca/--cert/--key; --insecure for a plaintext coordinator");
        }
        TransportSecurity security = TlsIdentity.security(effective.tls(), ClientIdentity.NAME, "client");
        return CoordinatorClient.connect(new HostAndPort(address.host(), address.port()), effective, security, hint);
    }
}
