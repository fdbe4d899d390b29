package io.graphagent.graph.kernels;

import io.graphagent.api.VertexProgram;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * A program loaded from a user's jar, with the class loader that holds its classes: close it
 * after the run (the jar's file handle and classes are released). Not thread-safe.
 *
 * @param jar the jar the class came from
 * @param className the program's class name
 */
public record UserProgram(Path jar, String className, VertexProgram program, URLClassLoader loader) implements AutoCloseable {

    @Override
    public void close() throws IOException {
        loader.close();
    }
}
