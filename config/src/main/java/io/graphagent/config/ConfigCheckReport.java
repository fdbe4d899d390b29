package io.graphagent.config;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code graphagent config check FILE}: loads a file as a process would (profile, file,
 * environment), checks it, and prints every problem, one per line:
 * <pre>
 * ERROR session.lease-ttl: 2s is less than 3 x session.heartbeat-interval (1s). Fix: set session.lease-ttl to at least 3s.
 * </pre>
 * then a summary line. Exit codes: {@value #OK} when there is no error (clean, or warnings
 * only: the processes will run), {@value #ERRORS} when there is at least one error
 * (including a missing or unparsable file).
 */
public final class ConfigCheckReport {

    /** Exit code: no errors (there may be warnings). */
    public static final int OK = 0;
    /** Exit code: at least one error. */
    public static final int ERRORS = 2;

    private ConfigCheckReport() {
    }

    /**
     * Checks a file and prints the report.
     *
     * @param file the YAML file; null checks the defaults (with the environment)
     * @param env the environment whose {@code GRAPHAGENT_*} overrides apply
     * @param out where the report goes
     * @return {@link #OK} or {@link #ERRORS}
     */
    public static int run(Path file, Map<String, String> env, PrintStream out) {
        ConfigLoader.Result loaded = ConfigLoader.read(file, env);
        List<Problem> problems = new ArrayList<>(loaded.problems());
        // An unreadable file leaves only defaults to check: rules about them would mislead.
        List<Problem> checked = loaded.readable() ? ConfigCheck.check(loaded.config(), loaded.source()) : List.of();
        for (Problem p : checked) {
            // A key whose value was refused stands at its default: rules about it would mislead.
            if (!loaded.failedKeys().contains(p.key())) {
                problems.add(p);
            }
        }
        out.print(render(problems));
        long errors = problems.stream().filter(Problem::isError).count();
        long warnings = problems.size() - errors;
        out.println(loaded.source() + " (profile " + loaded.config().profile().configName() + "): "
                + (problems.isEmpty() ? "no problems" : plural(errors, "error") + ", " + plural(warnings, "warning")));
        return errors > 0 ? ERRORS : OK;
    }

    /** The problems, one line each, errors first, each line ending with a newline. */
    public static String render(List<Problem> problems) {
        StringBuilder text = new StringBuilder();
        problems.stream().filter(Problem::isError).forEach(p -> text.append(p.render()).append('\n'));
        problems.stream().filter(p -> !p.isError()).forEach(p -> text.append(p.render()).append('\n'));
        return text.toString();
    }

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
