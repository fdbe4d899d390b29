package io.graphagent.graph.output;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compares a kernel's output with a Graphalytics expected output by the benchmark's
 * validation rules (LDBC Graphalytics, "Output validation"): exact match for BFS and
 * CDLP, equivalence of the partition for WCC, and a relative tolerance of 1e-4 for PR,
 * LCC and SSSP, where {@code infinity} matches {@code Infinity} in any case.
 *
 * <p>Both sides are {@code vertexId value} lines; a vertex present on one side only is a
 * mismatch. Meant for small and medium outputs: it holds both sides in maps.
 */
public final class ResultComparator {
    /** Relative tolerance of the Graphalytics epsilon rule. */
    public static final double RELATIVE_TOLERANCE = 1e-4;
    private static final long ABSENT = Long.MIN_VALUE;

    private ResultComparator() {
    }

    /** How two values of one vertex are compared. */
    public enum Rule {
        /** Same number (integers compared as 64-bit integers). BFS, CDLP. */
        EXACT,
        /** Same grouping of vertices: labels may differ as long as the groups are the same. WCC. */
        EQUIVALENCE,
        /** {@code |expected - actual| <= 1e-4 * |expected|}; infinities must match. PR, LCC, SSSP. */
        RELATIVE_1E4;

        /** The rule Graphalytics applies to a kernel, by its Graphalytics name (BFS, PR, WCC, CDLP, LCC, SSSP). */
        public static Rule forKernel(String graphalyticsName) {
            return switch (graphalyticsName.toUpperCase(Locale.ROOT)) {
                case "BFS", "CDLP" -> EXACT;
                case "WCC" -> EQUIVALENCE;
                case "PR", "LCC", "SSSP" -> RELATIVE_1E4;
                default -> throw new IllegalArgumentException("no Graphalytics rule for kernel '" + graphalyticsName + "'");
            };
        }
    }

    /**
     * One vertex whose value does not match.
     *
     * @param expected the expected text, or null when the vertex is missing from the expected output
     * @param actual the actual text, or null when the vertex is missing from the actual output
     */
    public record Mismatch(long vertexId, String expected, String actual, String reason) {
        @Override
        public String toString() {
            return "vertex " + vertexId + ": expected " + (expected == null ? "(absent)" : expected)
                    + ", got " + (actual == null ? "(absent)" : actual) + " (" + reason + ")";
        }
    }

    /** Compares two output files. */
    public static List<Mismatch> compare(Path expectedFile, Path actualFile, Rule rule) throws IOException {
        return compare(read(expectedFile), read(actualFile), rule);
    }

    /** Compares an expected output file with values already in memory (original id to value text). */
    public static List<Mismatch> compare(Path expectedFile, Map<Long, String> actual, Rule rule) throws IOException {
        return compare(read(expectedFile), actual, rule);
    }

    /** Compares two outputs held as original id to value text, in ascending id order of the mismatches. */
    public static List<Mismatch> compare(Map<Long, String> expected, Map<Long, String> actual, Rule rule) {
        List<Mismatch> out = new ArrayList<>();
        TreeSet<Long> ids = new TreeSet<>(expected.keySet());
        ids.addAll(actual.keySet());
        Map<String, String> forward = new HashMap<>();
        Map<String, String> backward = new HashMap<>();
        for (long id : ids) {
            String e = expected.get(id);
            String a = actual.get(id);
            if (e == null || a == null) {
                out.add(new Mismatch(id, e, a, e == null ? "vertex not in the expected output" : "vertex missing from the output"));
                continue;
            }
            String reason = switch (rule) {
                case EXACT -> exact(e, a);
                case RELATIVE_1E4 -> relative(e, a);
                case EQUIVALENCE -> equivalent(e.trim(), a.trim(), forward, backward);
            };
            if (reason != null) {
                out.add(new Mismatch(id, e, a, reason));
            }
        }
        return out;
    }

    /** Reads a {@code vertexId value} file; blank lines are skipped. */
    public static Map<Long, String> read(Path file) throws IOException {
        Map<Long, String> values = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long lineNumber = 0;
            while ((line = r.readLine()) != null) {
                lineNumber++;
                String trimmed = line.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                String[] parts = trimmed.split("\\s+");
                if (parts.length != 2) {
                    throw new IOException(file + ":" + lineNumber + ": expected 'vertexId value', got '" + trimmed + "'");
                }
                try {
                    values.put(Long.parseLong(parts[0]), parts[1]);
                } catch (NumberFormatException e) {
                    throw new IOException(file + ":" + lineNumber + ": vertex id '" + parts[0] + "' is not an integer");
                }
            }
        }
        return values;
    }

    private static String exact(String e, String a) {
        long le = parseLong(e);
        long la = parseLong(a);
        if (le != ABSENT && la != ABSENT) {
            return le == la ? null : "not equal";
        }
        double de = parseDouble(e);
        double da = parseDouble(a);
        if (Double.isNaN(de) || Double.isNaN(da)) {
            return e.trim().equalsIgnoreCase(a.trim()) ? null : "not equal";
        }
        return de == da ? null : "not equal";
    }

    private static String relative(String e, String a) {
        double de = parseDouble(e);
        double da = parseDouble(a);
        if (Double.isNaN(de) || Double.isNaN(da)) {
            return "not a number";
        }
        if (Double.isInfinite(de) || Double.isInfinite(da)) {
            return de == da ? null : "infinity must match infinity";
        }
        return Math.abs(de - da) <= RELATIVE_TOLERANCE * Math.abs(de) ? null : "differs by more than 1e-4 relative";
    }

    /** Labels match when the expected-to-actual label mapping stays one-to-one over all vertices. */
    private static String equivalent(String e, String a, Map<String, String> forward, Map<String, String> backward) {
        String mappedA = forward.putIfAbsent(e, a);
        String mappedE = backward.putIfAbsent(a, e);
        if (mappedA != null && !mappedA.equals(a)) {
            return "expected component " + e + " is labelled " + mappedA + " elsewhere";
        }
        if (mappedE != null && !mappedE.equals(e)) {
            return "label " + a + " also covers expected component " + mappedE;
        }
        return null;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException ex) {
            return ABSENT;
        }
    }

    /** Parses a number; {@code inf}/{@code infinity} in any case and sign; NaN for text that is no number. */
    private static double parseDouble(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        boolean negative = t.startsWith("-");
        String body = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
        if (body.equals("inf") || body.equals("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (body.equals("nan")) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException ex) {
            return Double.NaN;
        }
    }
}
