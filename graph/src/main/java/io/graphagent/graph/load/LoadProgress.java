package io.graphagent.graph.load;

/**
 * Told how far parsing has got, once per chunk of input (a few MB; never per line). May be
 * called from the loader's worker threads, concurrently; implementations must be thread-safe.
 */
@FunctionalInterface
public interface LoadProgress {
    LoadProgress NONE = (d, t) -> { };

    /**
     * @param done  bytes of input parsed so far (vertex and edge files together)
     * @param total bytes of input to parse
     */
    void bytesParsed(long done, long total);
}
