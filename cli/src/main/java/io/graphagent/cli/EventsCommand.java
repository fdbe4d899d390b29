package io.graphagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graphagent events}: prints the coordinator's event log, and with --follow keeps printing new events. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = {
            "Print the event log of a coordinator (or agent): every agent state change, job change and connection failure, "
                    + "one line each: SEQ TIME KIND AGENT CAUSE DETAIL. The full log is the JSON lines file "
                    + "STATE-DIR/events.jsonl on the coordinator's host; this shows the last 1000.",
            "",
            "An unreachable admin server or a refused token is bad input (exit 2)."},
        footerHeading = "%nExamples:%n",
        footer = {"  graphagent events", "  graphagent events --coordinator-admin 127.0.0.1:7480 --token $T --follow"})
final class EventsCommand implements Callable<Integer> {
    /** How often --follow asks for new events. */
    static final Duration FOLLOW_POLL = Duration.ofSeconds(1);

    @Spec
    CommandSpec spec;

    @Mixin
    AdminClient admin;

    @Option(names = "--follow", description = "Keep printing new events until Ctrl-C.")
    boolean follow;

    @Option(names = "--since", paramLabel = "SEQ", defaultValue = "0", description = "Only events after SEQ.")
    long since;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long last = since;
        while (true) {
            for (JsonNode e : admin.call("GET", "/api/events?since=" + last, null)) {
                last = e.path("seq").asLong();
                out.println(last + " " + e.path("time").asText() + " " + e.path("kind").asText() + " "
                        + dash(e.path("agent").asText()) + " " + dash(e.path("cause").asText()) + " "
                        + e.path("detail").asText());
            }
            out.flush();
            if (!follow) {
                return 0;
            }
            Thread.sleep(FOLLOW_POLL.toMillis());
        }
    }

    private static String dash(String s) {
        return s.isEmpty() ? "-" : s;
    }
}
