package io.graphagent.graph.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What a Graphalytics {@code PREFIX.properties} file says about a graph and its kernels'
 * parameters. Keys are {@code graph.NAME.<key>}, NAME being the file name of the prefix;
 * keys of other graphs and unknown keys are ignored.
 *
 * @param directed       {@code directed}, when given
 * @param weighted       whether {@code edge-properties.names} lists an edge property
 * @param bfsSource      {@code bfs.source-vertex}, an original vertex id
 * @param ssspSource     {@code sssp.source-vertex}, an original vertex id
 * @param damping        {@code pr.damping-factor}, in [0, 1]
 * @param prIterations   {@code pr.num-iterations}, at least 0
 * @param cdlpIterations {@code cdlp.max-iterations}, at least 0
 * @param weightProperty {@code sssp.weight-property}, one of {@code edge-properties.names}
 */
public record GraphProperties(Optional<Boolean> directed, boolean weighted,
                              OptionalLong bfsSource, OptionalLong ssspSource, OptionalDouble damping,
                              OptionalInt prIterations, OptionalInt cdlpIterations, Optional<String> weightProperty) {

    public static GraphProperties empty() {
        return new GraphProperties(Optional.empty(), false, OptionalLong.empty(), OptionalLong.empty(),
                OptionalDouble.empty(), OptionalInt.empty(), OptionalInt.empty(), Optional.empty());
    }

    /**
     * Reads {@code PREFIX.properties} when it exists, else returns {@link #empty()}.
     *
     * @param prefix the graph's path without extension, e.g. {@code dir/example-directed}
     * @throws GraphInputException for a value that does not parse or is out of range,
     *                             naming the file, the line and the key
     */
    public static GraphProperties forPrefix(Path prefix) throws GraphInputException, IOException {
        Path file = GraphSource.withSuffix(prefix, ".properties");
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return empty();
        }
        String keyPrefix = "graph." + prefix.getFileName() + ".";
        Optional<Boolean> directed = Optional.empty();
        List<String> edgeProperties = List.of();
        OptionalLong bfsSource = OptionalLong.empty();
        OptionalLong ssspSource = OptionalLong.empty();
        OptionalDouble damping = OptionalDouble.empty();
        OptionalInt prIterations = OptionalInt.empty();
        OptionalInt cdlpIterations = OptionalInt.empty();
        Optional<String> weightProperty = Optional.empty();
        long weightPropertyLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.isEmpty() || text.startsWith("#") || text.startsWith("!")) {
                continue;
            }
            Entry entry = Entry.parse(file, i + 1, text);
            if (!entry.key.startsWith(keyPrefix)) {
                continue;
            }
            switch (entry.key.substring(keyPrefix.length())) {
                case "directed" -> directed = Optional.of(entry.bool());
                case "edge-properties.names" -> edgeProperties = entry.list();
                case "bfs.source-vertex" -> bfsSource = OptionalLong.of(entry.vertexId());
                case "sssp.source-vertex" -> ssspSource = OptionalLong.of(entry.vertexId());
                case "pr.damping-factor" -> damping = OptionalDouble.of(entry.fraction());
                case "pr.num-iterations" -> prIterations = OptionalInt.of(entry.count());
                case "cdlp.max-iterations" -> cdlpIterations = OptionalInt.of(entry.count());
                case "sssp.weight-property" -> {
                    weightProperty = Optional.of(entry.value);
                    weightPropertyLine = entry.line;
                }
                default -> { }
            }
        }
        if (weightProperty.isPresent() && !edgeProperties.contains(weightProperty.get())) {
            throw new GraphInputException(file, weightPropertyLine, keyPrefix + "sssp.weight-property is "
                    + Excerpt.quote(weightProperty.get()) + ", which is not among " + keyPrefix + "edge-properties.names "
                    + edgeProperties.stream().map(Excerpt::quote).toList(),
                    "name one of the edge properties, or add it to edge-properties.names");
        }
        return new GraphProperties(directed, !edgeProperties.isEmpty(), bfsSource, ssspSource, damping,
                prIterations, cdlpIterations, weightProperty);
    }

    /** One {@code key = value} line, and the checked conversions of its value. */
    private record Entry(Path file, long line, String key, String value) {
        static Entry parse(Path file, long line, String text) throws GraphInputException {
            int separator = indexOfSeparator(text);
            if (separator < 0) {
                throw new GraphInputException(file, line, "a line starting " + Excerpt.quote(text.split("\\s", 2)[0])
                        + " is not a `key = value` line",
                        "write `key = value`, or start comments with #");
            }
            return new Entry(file, line, text.substring(0, separator).strip(), text.substring(separator + 1).strip());
        }

        private static int indexOfSeparator(String text) {
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '=' || text.charAt(i) == ':') {
                    return i;
                }
            }
            return -1;
        }

        boolean bool() throws GraphInputException {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw bad("is not a boolean", "write true or false");
            };
        }

        long vertexId() throws GraphInputException {
            try {
                long id = Long.parseLong(value);
                if (id >= 0) {
                    return id;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw bad("is not a vertex id", ChunkParser.ID_FIX);
        }

        double fraction() throws GraphInputException {
            try {
                double d = Double.parseDouble(value);
                if (d >= 0 && d <= 1) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw bad("is not a number from 0 to 1", "write a damping factor such as 0.85");
        }

        int count() throws GraphInputException {
            try {
                int n = Integer.parseInt(value);
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw bad("is not a whole number >= 0", "write an iteration count such as 10");
        }

        List<String> list() {
            if (value.isEmpty()) {
                return List.of();
            }
            return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }

        private GraphInputException bad(String problem, String fix) {
            return new GraphInputException(file, line, key + " = " + Excerpt.quote(value) + " " + problem, fix);
        }
    }
}
