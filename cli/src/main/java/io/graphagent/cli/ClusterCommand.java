package io.graphagent.cli;

/**
 * Marks a command that talks to a cluster and may therefore exit with
 * {@value FailureHandler#EXIT_REFUSED} when the cluster refuses it for good (a fatal reject, a
 * refused certificate); {@link Main} documents that code in its {@code --help}.
 */
interface ClusterCommand {
}
