package io.graphagent.graph.output;

/**
 * What an atomic write may find at its target. Whatever the choice, only a regular file is
 * ever replaced: a device, FIFO, socket, symbolic link or directory at the target is refused,
 * so that {@code --output /dev/null} cannot turn the system's {@code /dev/null} into a file.
 */
public enum Existing {
    /** An existing file is refused: the user did not ask to replace it ({@code --overwrite} not given). */
    REFUSE,
    /** An existing regular file is replaced, keeping its permission bits. */
    REPLACE
}
