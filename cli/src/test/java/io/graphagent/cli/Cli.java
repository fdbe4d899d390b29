package io.graphagent.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code graphagent} in-process through picocli, capturing stdout and stderr. */
final class Cli {
    private Cli() {
    }

    record Result(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    static Result run(String... args) {
        CommandLine cmd = Main.commandLine(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static Path graphalytics() {
        return Path.of(System.getProperty("graphagent.shared", "/work/shared"), "datasets", "graphalytics");
    }
}
