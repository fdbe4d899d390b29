package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsoleLoggingTest {
    private final LoggerContext context = new LoggerContext();

    /** What logback's SLF4J provider does for the context it configures. */
    @BeforeEach
    void mdc() {
        context.setMDCAdapter(new LogbackMDCAdapter());
    }

    @AfterEach
    void stop() {
        context.stop();
        System.clearProperty(ConsoleLogging.TIMING_LOGGER);
        System.clearProperty("logback.configurationFile");
    }

    @Test
    void warningsAreOneLineOnStderrWithTheExceptionFoldedIn() {
        List<String> lines = stderrOf(() -> {
            assertThat(new ConsoleLogging().configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
            Logger log = context.getLogger("io.graphagent.test.Peer");
            log.info("event=not_shown");
            log.warn("event=disconnected peer=a:1 cause=timeout", new IOException("read timed out\n  after 5 s"));
        });

        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) WARN  \\[[^]]+\\] "
                + "io\\.graphagent\\.test\\.Peer event=disconnected peer=a:1 cause=timeout "
                + "\\| java\\.io\\.IOException: read timed out after 5 s at io\\.graphagent\\.cli\\.ConsoleLoggingTest\\..*");
    }

    @Test
    void timingLinesFollowTheSystemProperty() {
        System.setProperty(ConsoleLogging.TIMING_LOGGER, "DEBUG");
        new ConsoleLogging().configure(context);

        assertThat(context.getLogger(ConsoleLogging.TIMING_LOGGER).getEffectiveLevel()).isEqualTo(Level.DEBUG);
        assertThat(context.getLogger("io.graphagent").getEffectiveLevel()).isEqualTo(Level.WARN);
    }

    @Test
    void jettyStaysAtWarnWhenAServerLowersTheRootLevel() {
        new ConsoleLogging().configure(context);
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO); // what --log-level INFO does

        assertThat(context.getLogger("org.eclipse.jetty.server.Server").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.graphagent").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void aConfigurationFileNamedOnTheCommandLineWins() {
        System.setProperty("logback.configurationFile", "/etc/graphagent/logback.xml");

        assertThat(new ConsoleLogging().configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
    }

    /** What {@code logging} writes to System.err (the appender takes the stream when it starts). */
    private static List<String> stderrOf(Runnable logging) {
        PrintStream saved = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            logging.run();
        } finally {
            System.setErr(saved);
        }
        return buffer.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
