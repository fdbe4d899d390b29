package io.graphagent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every key, so a new key cannot ship undocumented. */
class ConfigurationDocTest {

    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    @Test
    void everyKeyIsDocumented() throws IOException {
        String doc = Files.readString(DOC);

        for (ConfigKey<?> key : ConfigKeys.ALL) {
            assertThat(doc).as("docs/configuration.md documents " + key.path()).contains("| `" + key.path() + "` |");
        }
    }

    @Test
    void everyProfileTimingIsInTheProfileTable() throws IOException {
        String doc = Files.readString(DOC);

        for (ConfigKey<?> key : ConfigKeys.ALL) {
            if (!key.path().startsWith("session.") && !key.path().startsWith("grpc.keepalive")
                    && !key.path().equals("grpc.permit-keepalive-time") && !key.path().equals("tls.handshake-timeout")) {
                continue;
            }
            String row = "| `" + key.path() + "` | " + key.formatted(Profile.LAN.defaults());
            assertThat(doc).as("profile table row of " + key.path()).contains(row);
            assertThat(doc).as("wan and test values of " + key.path()).contains(" | " + key.formatted(Profile.WAN.defaults()) + " | "
                    + key.formatted(Profile.TEST.defaults()) + " |");
        }
    }
}
