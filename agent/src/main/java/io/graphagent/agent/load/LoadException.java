package io.graphagent.agent.load;

/**
 * A load that cannot go on: because of its input (a repeated vertex, an edge naming a vertex
 * the vertex file lacks), of this agent's heap, or of a peer. The message names the file or
 * agent, what is wrong and the fix.
 */
public final class LoadException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Who is at fault. */
    public enum Fault {
        /** The input: retrying cannot help. */
        INPUT,
        /** This agent's heap is too small for its share. */
        MEMORY,
        /** A peer or the network. */
        PEER
    }

    private final Fault fault;

    /** A fault of the input. */
    public LoadException(String message) {
        this(message, Fault.INPUT);
    }

    /** @param badInput true: the input is at fault (else a peer) */
    public LoadException(String message, boolean badInput) {
        this(message, badInput ? Fault.INPUT : Fault.PEER);
    }

    public LoadException(String message, Fault fault) {
        super(message);
        this.fault = fault;
    }

    public Fault fault() {
        return fault;
    }

    /** Whether the input is at fault rather than the cluster. */
    public boolean badInput() {
        return fault == Fault.INPUT;
    }

    public boolean outOfMemory() {
        return fault == Fault.MEMORY;
    }
}
