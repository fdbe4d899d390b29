package io.graphagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code graphagent log-level}: reads or sets a running process's log levels through /api/loggers. */
@Command(name = "log-level", mixinStandardHelpOptions = true,
        description = {
            "Read or set log levels of a running coordinator or agent, until it exits. Without LOGGER: every logger. "
                    + "With LOGGER: its level. With LOGGER LEVEL: set it (TRACE, DEBUG, INFO, WARN, ERROR, OFF, or "
                    + "INHERIT to clear). The logger graphagent.wire at DEBUG traces every session message.",
            "",
            "An unreachable admin server, a refused token or an unknown logger or level is bad input (exit 2)."},
        footerHeading = "%nExamples:%n",
        footer = {"  graphagent log-level", "  graphagent log-level --admin 127.0.0.1:7480 graphagent.wire DEBUG",
            "  graphagent log-level io.graphagent.coordinator INFO"})
final class LogLevelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AdminClient admin;

    @Parameters(index = "0", arity = "0..1", paramLabel = "LOGGER", description = "Logger name, e.g. io.graphagent or ROOT.")
    String logger;

    @Parameters(index = "1", arity = "0..1", paramLabel = "LEVEL", description = "New level.")
    String level;

    @Override
    public Integer call() throws Exception {
        JsonNode answer;
        if (logger == null) {
            answer = admin.call("GET", "/api/loggers", null);
        } else {
            String path = "/api/loggers/" + URLEncoder.encode(logger, StandardCharsets.UTF_8);
            answer = level == null ? admin.call("GET", path, null)
                    : admin.call("PUT", path, new com.fasterxml.jackson.databind.ObjectMapper()
                            .writeValueAsString(Map.of("level", level)));
        }
        PrintWriter out = spec.commandLine().getOut();
        TextTable table = new TextTable("LOGGER", "CONFIGURED", "EFFECTIVE");
        for (Map.Entry<String, JsonNode> e : answer.properties()) {
            String configured = e.getValue().path("configured").asText();
            table.add(e.getKey(), configured.isEmpty() ? "-" : configured, e.getValue().path("effective").asText());
        }
        out.print(table.render());
        out.flush();
        return 0;
    }
}
