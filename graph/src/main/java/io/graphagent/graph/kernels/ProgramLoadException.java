package io.graphagent.graph.kernels;

/**
 * A user program could not be loaded: the file is missing or not a jar, the class is missing,
 * does not implement {@code io.graphagent.api.VertexProgram}, or cannot be made. The message
 * names the file or class and the fix; no stack trace is needed to act on it.
 */
public final class ProgramLoadException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProgramLoadException(String message) {
        super(message);
    }
}
