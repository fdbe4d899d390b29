package io.graphagent.net.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects the events of one logger while open; safe to read while network threads log. */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture(Class<?> source) {
        this(source.getName());
    }

    /** Captures the logger of this name (e.g. of a class not visible to the test). */
    public LogCapture(String name) {
        logger = (Logger) LoggerFactory.getLogger(name);
        appender.start();
        logger.addAppender(appender);
    }

    /** Events so far whose message contains {@code text}. */
    public List<ILoggingEvent> containing(String text) {
        List<ILoggingEvent> copy;
        synchronized (appender) {
            copy = new ArrayList<>(appender.list);
        }
        return copy.stream().filter(e -> e.getFormattedMessage().contains(text)).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
