package io.graphagent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The .proto files are the contract (STYLE.md): every field, enum value, message, enum,
 * service and rpc has a comment on the line above it, so that the meaning of each number
 * on the wire is written down where it is defined.
 */
class ProtoContractTest {

    private static final Path PROTO_DIR = Path.of("src", "main", "proto", "graphagent", "v1");

    /** Field, map field, enum value, message, enum, service, rpc and oneof declarations. */
    private static final Pattern DECLARATION = Pattern.compile(
            "^\\s*(?:(?:optional|repeated)\\s+)?(?:[\\w.]+|map<[\\w.]+,\\s*[\\w.]+>)\\s+\\w+\\s*=\\s*\\d+\\s*;.*"
                    + "|^\\s*\\w+\\s*=\\s*\\d+\\s*;.*"
                    + "|^\\s*(?:message|enum|service)\\s+\\w+\\s*\\{.*"
                    + "|^\\s*rpc\\s+\\w+.*");

    @Test
    void everyDeclarationIsCommented() throws IOException {
        List<String> uncommented = new ArrayList<>();
        try (Stream<Path> files = Files.list(PROTO_DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".proto")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (!DECLARATION.matcher(line).matches() || line.trim().startsWith("//")) {
                        continue;
                    }
                    if (i == 0 || !lines.get(i - 1).trim().startsWith("//")) {
                        uncommented.add(file.getFileName() + ":" + (i + 1) + ": " + line.trim());
                    }
                }
            }
        }

        assertThat(uncommented).as("declarations without a comment on the line above").isEmpty();
    }
}
