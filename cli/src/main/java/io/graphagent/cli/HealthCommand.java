package io.graphagent.cli;

import io.graphagent.config.HostPort;
import io.graphagent.ops.doctor.DoctorReport;
import io.graphagent.ops.health.HostHealth;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graphagent health}: a one-screen check of this host's graphagent process, for scripts and cron. */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = {
            "Check this host: is a graphagent agent or coordinator process running, are its configured ports bound, "
                    + "is there free disk in agent.work-dir, and (with --admin) does the agent hold its lease (/readyz).",
            "",
            "Without --config, beside a running 'graphagent local' (its --state-dir), checks that cluster's config.yaml.",
            "",
            "One line per check. Verdict exit codes, instead of those below: 0 healthy, 1 some warning, 2 some failure.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  graphagent health --config /etc/graphagent/agent.yaml",
            "  */1 * * * * graphagent health --config /etc/graphagent/agent.yaml --admin 127.0.0.1:7481 || alert"})
final class HealthCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(names = "--admin", paramLabel = "HOST:PORT", converter = AddressConverter.class,
            description = "The agent's admin HTTP address, to read /readyz (session ALIVE = lease held).")
    HostPort admin;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = LocalState.DEFAULT_DIR,
            description = "Without --config: the state directory of a 'graphagent local' whose config.yaml (with the ports"
                    + " it really listens on) to check. Default: ${DEFAULT-VALUE}.")
    Path stateDir;

    @Override
    public Integer call() {
        LocalState state = new LocalState(stateDir);
        // Beside a local cluster its config.yaml names the ports it really uses (--port 0 picks them).
        var settings = config.file() == null && state.exists()
                ? ConfigOption.load(state.config(), System.getenv()) : config.load();
        DoctorReport report = HostHealth.check(settings, Optional.ofNullable(admin), Path.of("/proc"));
        PrintWriter out = spec.commandLine().getOut();
        out.print(report.text());
        out.flush();
        return report.exitCode();
    }
}
