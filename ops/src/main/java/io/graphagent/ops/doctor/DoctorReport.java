package io.graphagent.ops.doctor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Optional;

/** The ordered results of a doctor (or health) run and the exit code they make. Immutable. */
public record DoctorReport(List<CheckResult> results) {

    /** Exit code when every check passed (or was skipped for a reason other than a failure). */
    public static final int EXIT_PASS = 0;
    /** Exit code when some check warned and none failed. */
    public static final int EXIT_WARN = 1;
    /** Exit code when some check failed. */
    public static final int EXIT_FAIL = 2;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public DoctorReport {
        results = List.copyOf(results);
    }

    /** 0 all passed, 1 warnings, 2 a failure. */
    public int exitCode() {
        if (results.stream().anyMatch(r -> r.verdict() == Verdict.FAIL)) {
            return EXIT_FAIL;
        }
        return results.stream().anyMatch(r -> r.verdict() == Verdict.WARN) ? EXIT_WARN : EXIT_PASS;
    }

    /** The result of {@code check}, the first one if it occurs more than once. */
    public Optional<CheckResult> result(String check) {
        return results.stream().filter(r -> r.check().equals(check)).findFirst();
    }

    /** One line per check, then none more: scripts grep it. */
    public String text() {
        StringBuilder out = new StringBuilder();
        results.forEach(r -> out.append(r.line()).append('\n'));
        return out.toString();
    }

    /** A JSON array of the results, in order. */
    public String json() {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        results.forEach(r -> array.add(r.json()));
        try {
            return JSON.writeValueAsString(array) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render the report as JSON", e);
        }
    }
}
