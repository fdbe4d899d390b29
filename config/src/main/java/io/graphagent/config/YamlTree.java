package io.graphagent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YAML document read into mappings and scalars that remember their line and column
 * (Jackson's {@link JsonLocation}), so that every configuration error can name where it is.
 * Lists are kept only as a position: no configuration key takes one.
 */
final class YamlTree {

    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlTree() {
    }

    /** A position in the file, 1-based. */
    record Location(int line, int column) {
        static Location of(JsonLocation l) {
            return new Location(l.getLineNr(), l.getColumnNr());
        }

        @Override
        public String toString() {
            return "line " + line;
        }
    }

    /** A node of the document. */
    sealed interface Node permits Mapping, Scalar, Sequence {
        Location location();

        /** What kind of node this is, for "expected X, found Y" messages. */
        String kind();
    }

    /** A mapping, entries in file order (duplicates kept, for the loader to report). */
    record Mapping(List<Entry> entries, Location location) implements Node {
        @Override
        public String kind() {
            return "a mapping of keys";
        }
    }

    /** One {@code key: value} of a mapping. */
    record Entry(String key, Location keyLocation, Node value) {
    }

    /** A scalar; {@code isNull} for {@code ~}, {@code null} or an empty value. */
    record Scalar(String text, boolean isNull, Location location) implements Node {
        @Override
        public String kind() {
            return isNull ? "no value" : "'" + text + "'";
        }
    }

    /** A list (its contents are not needed). */
    record Sequence(Location location) implements Node {
        @Override
        public String kind() {
            return "a list";
        }
    }

    /** The document could not be parsed as YAML. */
    static final class SyntaxException extends Exception {
        private final Location location;
        private final String fix;

        SyntaxException(String message, Location location, String fix) {
            super(message);
            this.location = location;
            this.fix = fix;
        }

        /** What to do about it. */
        String fix() {
            return fix;
        }

        /** Where the parser stopped; null when unknown. */
        Location location() {
            return location;
        }
    }

    /**
     * Parses one YAML document. An empty document is an empty mapping.
     *
     * @throws SyntaxException if the text is not YAML, holds more than one document, or its
     *     top level is not a mapping
     */
    static Mapping parse(String text) throws SyntaxException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new Mapping(List.of(), new Location(1, 1));
            }
            Node root = read(parser);
            if (!(root instanceof Mapping mapping)) {
                throw new SyntaxException("the top level must be a mapping of sections, found " + root.kind(),
                        root.location(), "write sections such as 'session:' with their keys indented under them");
            }
            JsonToken after = parser.nextToken();
            if (after != null) {
                throw new SyntaxException("a second YAML document starts here; one file holds one configuration",
                        Location.of(parser.currentTokenLocation()), "remove the '---' line and what follows, or merge it");
            }
            return mapping;
        } catch (JsonProcessingException e) {
            throw syntaxError(e);
        } catch (IOException e) {
            throw new SyntaxException("cannot read YAML: " + e.getMessage(), null, "check the file");
        }
    }

    private static final Pattern MARK = Pattern.compile("line (\\d+), column (\\d+)");

    /**
     * One line from SnakeYAML's multi-line message: its sentences ("while parsing a block
     * mapping", "expected ..."), located at the last mark, which is where the problem is.
     */
    private static SyntaxException syntaxError(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? "syntax error" : e.getOriginalMessage();
        List<String> sentences = new ArrayList<>();
        Location location = e.getLocation() == null ? null : Location.of(e.getLocation());
        for (String line : original.split("\\R")) {
            Matcher mark = MARK.matcher(line);
            if (line.startsWith(" in ") && mark.find()) {
                location = new Location(Integer.parseInt(mark.group(1)), Integer.parseInt(mark.group(2)));
            } else if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                sentences.add(line.strip());
            }
        }
        String message = "not valid YAML: " + String.join(": ", sentences);
        String fix = original.contains("\\t") || original.contains("TAB")
                ? "indent with spaces, not tabs"
                : "fix the YAML syntax at that line (a mapping is 'key: value', nested keys indented with spaces)";
        return new SyntaxException(message, location, fix);
    }

    /** Reads the node starting at the parser's current token. */
    private static Node read(JsonParser parser) throws IOException {
        Location at = Location.of(parser.currentTokenLocation());
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                List<Entry> entries = new ArrayList<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    Location keyAt = Location.of(parser.currentTokenLocation());
                    parser.nextToken();
                    entries.add(new Entry(key, keyAt, read(parser)));
                }
                return new Mapping(entries, at);
            }
            case START_ARRAY -> {
                parser.skipChildren();
                return new Sequence(at);
            }
            case VALUE_NULL -> {
                return new Scalar("", true, at);
            }
            default -> {
                return new Scalar(parser.getText(), false, at);
            }
        }
    }
}
