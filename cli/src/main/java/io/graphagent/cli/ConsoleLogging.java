package io.graphagent.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

/**
 * Logback's configuration for every graphagent process (found through META-INF/services): WARN
 * and above on stderr, one line per event, an exception's message folded into the line and no
 * stack trace; stdout stays for results. The server commands lower the level with
 * {@code --log-level}; {@code -Dgraphagent.timing=DEBUG} turns on the per-superstep timing lines
 * of the logger {@code graphagent.timing}; Jetty (the admin server) stays at WARN even under
 * {@code --log-level INFO}. Written in code rather than as a logback.xml: reading
 * XML takes an XML parser and Joran, ~300 classes and 0.1-0.3 s of every command that logs.
 * A {@code -Dlogback.configurationFile=FILE} still wins: logback then reads that file instead.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class ConsoleLogging extends ContextAwareBase implements Configurator {
    /** Time, level, thread, logger, message, then " | " and the exception on the same line. */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} %msg"
            + "%replace(%replace(%ex{short}){'\\s*[\\r\\n]+\\s*', ' '}){'^(\\S)', ' | $1'}%nopex%n";
    static final String TIMING_LOGGER = "graphagent.timing";
    /**
     * The admin HTTP server's library: WARN whatever the root level, since the admin server says
     * its own start and stop ({@code event=admin_started}, {@code event=admin_stopped}).
     */
    static final String JETTY_LOGGER = "org.eclipse.jetty";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        context.getStatusManager().add(new NopStatusListener());
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        context.getLogger(JETTY_LOGGER).setLevel(Level.WARN);
        String timing = System.getProperty(TIMING_LOGGER);
        if (timing != null) {
            context.getLogger(TIMING_LOGGER).setLevel(Level.toLevel(timing, null));
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
