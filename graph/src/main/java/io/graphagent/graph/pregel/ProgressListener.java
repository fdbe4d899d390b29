package io.graphagent.graph.pregel;

/** Told after each superstep; called on the engine's driving thread. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (superstep, active, messages) -> { };

    /**
     * @param superstep the superstep just finished
     * @param activeVertices vertices that computed in it
     * @param messages messages sent in it (a broadcast counts once per edge)
     */
    void superstepDone(int superstep, long activeVertices, long messages);
}
