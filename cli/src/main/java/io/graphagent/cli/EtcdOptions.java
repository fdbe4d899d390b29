package io.graphagent.cli;

import io.graphagent.config.CoordinatorConfig;
import io.graphagent.config.EtcdConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.StoreKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The etcd flags of the coordinator, the agent and the clients: {@code --etcd URL[,URL...]}
 * (a coordinator given it keeps its state in etcd, {@code coordinator.store: etcd}; an agent
 * or a client finds the leader there), TLS to etcd ({@code --etcd-ca}, {@code --etcd-cert},
 * {@code --etcd-key}) and {@code --etcd-insecure} for {@code http://} endpoints. They override
 * the {@code coordinator.etcd} section of the configuration.
 */
final class EtcdOptions {

    @Option(names = "--etcd", paramLabel = "URL[,URL...]",
            description = "etcd client URLs of every member (coordinator.etcd.endpoints). A coordinator keeps its jobs, "
                    + "sessions and epochs there and is elected leader or stands by; agents and clients find the leader there.")
    String endpoints;

    @Option(names = "--etcd-ca", paramLabel = "FILE", description = "CA certificate (PEM) of the etcd members (coordinator.etcd.ca).")
    Path ca;

    @Option(names = "--etcd-cert", paramLabel = "FILE", description = "Client certificate (PEM) for etcd (coordinator.etcd.cert).")
    Path cert;

    @Option(names = "--etcd-key", paramLabel = "FILE", description = "Its private key (PEM, PKCS#8) (coordinator.etcd.key).")
    Path key;

    @Option(names = "--etcd-insecure",
            description = "Allow http:// etcd endpoints: the control plane goes in clear and anyone who reaches etcd can take "
                    + "the leadership. One trusted machine only; logged as a warning (coordinator.etcd.insecure).")
    boolean insecure;

    /** Whether any etcd endpoint is known (flag or configuration). */
    static boolean configured(GraphagentConfig config) {
        return !config.coordinator().etcd().endpoints().isEmpty();
    }

    /**
     * {@code config} with the flags laid over {@code coordinator.etcd}; with {@code --etcd} also
     * {@code coordinator.store: etcd} when {@code selectStore} (the coordinator command).
     */
    GraphagentConfig applyTo(GraphagentConfig config, boolean selectStore) {
        CoordinatorConfig c = config.coordinator();
        EtcdConfig e = c.etcd();
        List<String> urls = e.endpoints();
        if (endpoints != null) {
            try {
                urls = EtcdConfig.parseEndpoints(endpoints);
            } catch (IllegalArgumentException ex) {
                throw new BadInputException("--etcd: " + ex.getMessage());
            }
            if (urls.isEmpty()) {
                throw new BadInputException("--etcd names no URL", "pass every etcd member's client URL, e.g. --etcd "
                        + "https://10.0.0.1:2379,https://10.0.0.2:2379,https://10.0.0.3:2379");
            }
        }
        EtcdConfig edited = new EtcdConfig(urls, or(ca, e.ca()), or(cert, e.cert()), or(key, e.key()),
                insecure || e.insecure(), e.electionTtl());
        StoreKind store = selectStore && endpoints != null ? StoreKind.ETCD : c.store();
        return ConfigEdits.with(config, c.withStore(store, edited));
    }

    private static Optional<Path> or(Path flag, Optional<Path> configured) {
        return flag != null ? Optional.of(flag) : configured;
    }
}
