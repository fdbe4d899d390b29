package io.graphagent.net.tls;

import io.graphagent.net.cause.ClassifiedFailure;
import io.graphagent.net.cause.DisconnectCause;
import java.util.List;

/**
 * TLS files that cannot be used; the message is the first problem's one line, fit for an exit
 * message or a log line, and {@link #problems()} lists them all.
 */
public final class TlsFilesException extends Exception implements ClassifiedFailure {

    private final transient List<TlsProblem> problems;

    public TlsFilesException(List<TlsProblem> problems) {
        super(problems.isEmpty() ? "no TLS problem" : problems.get(0).message());
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a TlsFilesException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** The first (most fundamental) problem. */
    public TlsProblem problem() {
        return problems.get(0);
    }

    /** Every problem found, most fundamental first. */
    public List<TlsProblem> problems() {
        return problems;
    }

    @Override
    public DisconnectCause disconnectCause() {
        return problem().cause();
    }
}
