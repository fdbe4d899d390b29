package io.graphagent.api;

/**
 * A job's parameters ({@code --param key=value}), read by {@link VertexProgram#configure} with
 * typed getters. A getter without a default requires the key; a value that does not parse as
 * the type asked for is refused. Either way a {@link ParameterException} names the key, and
 * the job is refused before it starts.
 */
public interface Parameters {

    /** Whether {@code key} was given. */
    boolean has(String key);

    /** The required long {@code key}. */
    long getLong(String key);

    /** The long {@code key}, or {@code fallback} when it is not given. */
    long getLong(String key, long fallback);

    /** The required double {@code key}. */
    double getDouble(String key);

    /** The double {@code key}, or {@code fallback} when it is not given. */
    double getDouble(String key, double fallback);

    /** The required string {@code key}. */
    String getString(String key);

    /** The string {@code key}, or {@code fallback} when it is not given. */
    String getString(String key, String fallback);
}
