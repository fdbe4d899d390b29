package io.graphagent.cli.netlab;

/** A lab tool failed, or the lab cannot be set up here; the message names the command and its error. */
public final class NetLabException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NetLabException(String message) {
        super(message);
    }

    NetLabException(String message, Throwable cause) {
        super(message, cause);
    }
}
