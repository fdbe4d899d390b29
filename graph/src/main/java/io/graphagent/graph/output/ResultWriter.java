package io.graphagent.graph.output;

import io.graphagent.graph.csr.Graph;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.DoubleFunction;
import java.util.function.IntFunction;

/**
 * Writes a kernel's result in the Graphalytics output format: one {@code originalId value}
 * line per vertex, in dense (= ascending original id) order. The file appears atomically
 * (see {@link AtomicFile}): a reader never sees half a result, and a failure leaves no file.
 *
 * <p>Ids are written digit by digit into a reused byte buffer; only the value text comes
 * from the caller's formatter, so a million lines take well under a second.
 */
public final class ResultWriter {
    private static final int BUFFER_BYTES = 1 << 16;
    /** Longest line we ever buffer before flushing: a 20-digit id, a space, the value, a newline. */
    private static final int LINE_RESERVE = 256;

    private ResultWriter() {
    }

    /**
     * @param values one value per dense vertex id, {@code values.length == g.numVertices()}
     * @param format the text of one value (e.g. {@code Kernel::format}); ASCII expected
     * @param existing whether an existing regular file at {@code output} may be replaced
     * @throws OutputException when the output's directory is missing or not writable, or the
     *     output is not a regular file, or exists and may not be replaced
     */
    public static void write(Path output, Graph g, double[] values, DoubleFunction<String> format, Existing existing)
            throws IOException {
        if (values.length != g.numVertices()) {
            throw new IllegalArgumentException("got " + values.length + " values for " + g.numVertices() + " vertices");
        }
        write(output, g, v -> format.apply(values[v]), existing);
    }

    /**
     * {@link #write(Path, Graph, double[], DoubleFunction, Existing)} for a program whose state is
     * not one value: {@code text} gives the text after the id of dense vertex {@code v}.
     */
    public static void write(Path output, Graph g, IntFunction<String> text, Existing existing) throws IOException {
        try (AtomicFile file = AtomicFile.create(output, existing)) {
            byte[] buf = new byte[BUFFER_BYTES];
            int pos = 0;
            for (int v = 0, n = g.numVertices(); v < n; v++) {
                String line = text.apply(v);
                if (pos + LINE_RESERVE + line.length() > buf.length) {
                    file.write(ByteBuffer.wrap(buf, 0, pos));
                    pos = 0;
                    if (LINE_RESERVE + line.length() > buf.length) {
                        buf = new byte[LINE_RESERVE + line.length()];
                    }
                }
                pos = Ascii.putLong(buf, pos, g.originalId(v));
                buf[pos++] = ' ';
                for (int i = 0, len = line.length(); i < len; i++) {
                    buf[pos++] = (byte) line.charAt(i);
                }
                buf[pos++] = '\n';
            }
            file.write(ByteBuffer.wrap(buf, 0, pos));
            file.commit();
        }
    }
}
