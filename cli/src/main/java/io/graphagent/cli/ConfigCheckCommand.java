package io.graphagent.cli;

import io.graphagent.config.ConfigCheckReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code graphagent config check FILE}: {@link ConfigCheckReport} on a file, with its exit code. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {
            "Load FILE as the coordinator or an agent would (profile, file, GRAPHAGENT_* environment overrides) and "
                    + "check it: unknown keys, values of the wrong form, the timing rules (lease-ttl >= 3 x "
                    + "heartbeat-interval, keepalive >= the server's permitted keepalive, handshake timeout < lease), "
                    + "certificates present and readable, admin API protected.",
            "",
            "Prints one line per problem (ERROR first, then WARNING), each naming the key and the fix, then a summary. "
                    + "Exits 0 when there is no error (warnings allowed), 2 on any error.",
            ""},
        footerHeading = "%nExample:%n",
        footer = "  graphagent config check /etc/graphagent/graphagent.yaml")
final class ConfigCheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The YAML configuration file.")
    Path file;

    @Override
    public Integer call() {
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8)) {
            code = ConfigCheckReport.run(file, System.getenv(), out);
        }
        spec.commandLine().getOut().print(report.toString(StandardCharsets.UTF_8));
        spec.commandLine().getOut().flush();
        return code;
    }
}
