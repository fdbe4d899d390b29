package io.graphagent.agent.structure;

/**
 * A structure file cannot be used: missing, torn (short or failing its checksum), of another
 * format or version, or of another job's partitioning. The message names the file and why;
 * the caller loads the input again instead.
 */
public final class StructureException extends Exception {
    private static final long serialVersionUID = 1L;

    public StructureException(String message) {
        super(message);
    }

    public StructureException(String message, Throwable cause) {
        super(message, cause);
    }
}
