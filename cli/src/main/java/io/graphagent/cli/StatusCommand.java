package io.graphagent.cli;

import io.graphagent.protocol.v1.StatusReply;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graphagent status}: the agents and jobs as the coordinator sees them. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {
            "Show the cluster as the coordinator sees it: the coordinator (cluster id, version, protocol range, TLS or "
                    + "--insecure), every agent (state, time in that state, last heartbeat age, round-trip time, clock "
                    + "skew, partitions, TLS, version, data address, cause of the last state change) and the jobs.",
            "",
            "With no flags it asks the cluster started by 'graphagent local' in this directory.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  graphagent status",
            "  graphagent status --coordinator coord.example.org:7400 --certs /etc/graphagent/certs --json",
            "  graphagent status --etcd https://etcd1:2379,https://etcd2:2379 --etcd-ca ca.pem --etcd-cert c.pem \\",
            "      --etcd-key k.pem --certs /etc/graphagent/certs   (asks the leader registered in etcd)"})
final class StatusCommand implements Callable<Integer>, ClusterCommand {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Option(names = "--json", description = "Print one JSON document (keys with units: *_ms, *_micros, *_bytes) instead of tables.")
    boolean json;

    @Option(names = "--all", description = "Include finished jobs.")
    boolean all;

    @Override
    public Integer call() throws Exception {
        StatusReply reply;
        String address;
        try (CoordinatorClient coordinator = client.connect()) {
            address = coordinator.target().toString();
            reply = coordinator.status(all);
        }
        StatusReport report = new StatusReport(address, reply);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.json() : report.text());
        out.flush();
        return 0;
    }
}
