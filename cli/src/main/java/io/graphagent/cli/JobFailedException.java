package io.graphagent.cli;

/** A job ended FAILED or CANCELLED on the cluster; the message is the coordinator's line. Exit code 1. */
final class JobFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JobFailedException(String message) {
        super(message);
    }
}
