package io.graphagent.cli;

import io.graphagent.net.certs.ClusterCertificates;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code graphagent certs init}: a new cluster CA and the certificates of the coordinator,
 * the agents and the client commands, in one directory that every other command takes as
 * {@code --certs DIR}.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {
            "Create a cluster CA and the certificates of the coordinator, N agents and the client commands "
                    + "(submit, status), for mutual TLS.",
            "",
            "Writes into DIR: ca.pem + ca-key.pem (the CA: keep ca-key.pem off the agents), coordinator.pem + "
                    + "coordinator-key.pem, agent-1.pem + agent-1-key.pem ... agent-N, client.pem + client-key.pem. "
                    + "Keys are PKCS#8 with mode 0600. Every certificate names localhost, 127.0.0.1 and each --host.",
            "",
            "Each certificate carries its role as the OU of its subject (OU=coordinator, OU=agent, OU=client): the "
                    + "coordinator opens sessions only for agent certificates and takes jobs only from client certificates.",
            "",
            "Refuses a directory that is not empty: a new CA locks out every node still holding the old files.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  graphagent certs init --out certs",
            "  graphagent certs init --out /etc/graphagent/certs --agents 8 --host coord.example.org --host 10.0.0.5"})
final class CertsInitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to create the files in (created if missing).")
    Path out;

    @Option(names = "--agents", paramLabel = "N", defaultValue = "3",
            description = "Agent certificates to issue, agent-1 .. agent-N. Default: ${DEFAULT-VALUE}.")
    int agents;

    @Option(names = "--host", paramLabel = "H",
            description = "A DNS name or IP address the coordinator or agents are dialled by, besides localhost and "
                    + "127.0.0.1 (repeatable). A name missing here fails the handshake with tls_hostname_mismatch.")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--validity", paramLabel = "DURATION", defaultValue = "365d", converter = DurationConverter.class,
            description = "Lifetime of every certificate, e.g. 365d, 30d, 12h. Default: ${DEFAULT-VALUE}.")
    Duration validity;

    @Option(names = {"--force", "--overwrite"},
            description = "Replace the certificates in a non-empty DIR; every node must then get the new files.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (agents < 0) {
            throw new BadInputException("--agents must be 0 or more, got " + agents, "pass e.g. --agents 3");
        }
        if (validity.isZero() || validity.isNegative()) {
            throw new BadInputException("--validity must be positive", "pass e.g. --validity 365d");
        }
        Clock clock = Clock.systemUTC();
        Instant now = clock.instant();
        ClusterCertificates.Issued issued;
        try {
            issued = ClusterCertificates.init(out, agents, hosts, validity, clock, force);
        } catch (FileAlreadyExistsException e) {
            throw new BadInputException(e.getFile() + ": " + e.getReason()
                    .replace("pass --overwrite", "pass --force"));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), "pass --host with a DNS name or an IP address");
        }
        ClientIdentity.issue(out, hosts, issued.notAfter(), now);

        PrintWriter w = spec.commandLine().getOut();
        w.println("wrote the certificates of a new cluster to " + out + " (valid until " + issued.notAfter() + "):");
        w.println("  ca.pem, ca-key.pem                  " + issued.caSubject() + " (keep ca-key.pem off the agents)");
        w.println("  coordinator.pem, coordinator-key.pem  OU=coordinator");
        if (agents > 0) {
            w.println("  " + ClusterCertificates.agentName(1) + ".pem, " + ClusterCertificates.agentName(1) + "-key.pem"
                    + (agents > 1 ? " ... " + ClusterCertificates.agentName(agents) + ".pem, "
                            + ClusterCertificates.agentName(agents) + "-key.pem" : "") + "  OU=agent");
        }
        w.println("  " + ClientIdentity.NAME + ".pem, " + ClientIdentity.NAME + "-key.pem            OU=client: for submit, status and doctor");
        w.println("names in every certificate: " + String.join(", ", ClusterCertificates.subjectAltNames(hosts)));
        w.println("next: graphagent coordinator --certs " + out);
        w.println("      graphagent agent --certs " + out + " --name agent-1 --coordinator HOST:7400");
        w.flush();
        return 0;
    }
}
