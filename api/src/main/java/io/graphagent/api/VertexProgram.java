package io.graphagent.api;

/**
 * A vertex program in the Pregel model (Malewicz et al., SIGMOD 2010): in each superstep every
 * active vertex reads the messages sent to it in the previous superstep, updates its state,
 * sends messages and may vote to halt. A halted vertex is woken by a message. The run ends when
 * every vertex has halted and no message is in flight, when the {@link MasterCompute} halts it,
 * or at {@link ProgramShape#maxSupersteps()}.
 *
 * <p>A program is three separate things: its {@link ProgramShape} (what state a vertex holds,
 * what its messages are, how they combine, which aggregators and edges it uses), its
 * {@link #compute} and its {@link OutputFormat}. The engine reads the shape once, before the
 * run, and lays out primitive arrays for it: no object per vertex, no boxing.
 *
 * <p>Life cycle: the engine makes one instance (a user program through its public no-argument
 * constructor), calls {@link #configure} once with the job's parameters, reads
 * {@link #shape()}, then calls {@link #compute} from several threads at once. Implementations
 * therefore keep no mutable state of their own after {@code configure}.
 *
 * <p>The same program runs in the single-process engine and on the cluster.
 */
public interface VertexProgram {

    /**
     * Reads the job's parameters, before the run starts. A missing or ill-typed required
     * parameter throws {@link ParameterException} (the typed getters of {@link Parameters} do)
     * and the job is refused naming the key. A parameter given but never read here is refused
     * too, as a likely typo.
     */
    default void configure(Parameters parameters) {
    }

    /** What a vertex holds and how messages travel; read once, after {@link #configure}. */
    ProgramShape shape();

    /** Called for each active vertex in each superstep; see {@link Vertex} for what it may do. */
    void compute(Vertex vertex, Messages messages);

    /** The hook run between supersteps, or null for none. */
    default MasterCompute master() {
        return null;
    }

    /** How a vertex's final state is printed after its id; by default every field, doubles first. */
    default OutputFormat output() {
        return OutputFormat.ALL_FIELDS;
    }
}
