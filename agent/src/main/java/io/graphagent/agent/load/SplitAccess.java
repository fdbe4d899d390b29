package io.graphagent.agent.load;

import io.graphagent.graph.load.GraphInputException;
import io.graphagent.protocol.v1.GraphFiles;
import io.graphagent.protocol.v1.InputSplit;
import io.graphagent.protocol.v1.InputTransfer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How an agent reaches its splits of the input (job.input-transfer): at the path the
 * coordinator names (a shared or copied file system), or streamed from the coordinator into a
 * local file when the agent cannot read the path ({@code auto}) or is told to ({@code stream}).
 * Used by the load's thread.
 */
public final class SplitAccess {
    private final GraphFiles input;
    private final boolean stream;
    private final SplitFetcher fetcher;

    private SplitAccess(GraphFiles input, boolean stream, SplitFetcher fetcher) {
        this.input = input;
        this.stream = stream;
        this.fetcher = fetcher;
    }

    /**
     * @param fetcher fetches splits from the coordinator (for stream, and auto when a path is unreadable)
     */
    public static SplitAccess choose(GraphFiles input, InputTransfer transfer, SplitFetcher fetcher) {
        boolean stream = switch (transfer) {
            case INPUT_TRANSFER_STREAM -> true;
            case INPUT_TRANSFER_SHARED -> false;
            default -> !readable(input.getEdgeFile()) || (!input.getVertexFile().isEmpty() && !readable(input.getVertexFile()));
        };
        return new SplitAccess(input, stream, fetcher);
    }

    private static boolean readable(String path) {
        return Files.isRegularFile(Path.of(path)) && Files.isReadable(Path.of(path));
    }

    /** Whether the splits come from the coordinator. */
    public boolean streamed() {
        return stream;
    }

    /** A split ready to parse: a local file's range, and how to name an error's place in the input. */
    record Opened(Path path, long from, long to, Path input, long offset, boolean fetched) {

        interface Parse<T> {
            T run() throws GraphInputException, IOException;
        }

        /** Runs the parse; a fetched copy's error is named by the input and its byte offset, and the copy removed. */
        <T> T parse(Parse<T> parse) throws GraphInputException, IOException {
            try {
                return parse.run();
            } catch (GraphInputException e) {
                if (!fetched) {
                    throw e;
                }
                throw new GraphInputException(input, 0, e.problem() + " (line " + e.line() + " of the part from byte "
                        + offset + " that the coordinator streamed)", e.fix());
            } finally {
                if (fetched) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    Opened open(InputSplit split) throws IOException {
        Path file = Path.of(switch (split.getFile()) {
            case VERTEX_FILE -> input.getVertexFile();
            default -> input.getEdgeFile();
        });
        if (!stream) {
            return new Opened(file, split.getStart(), split.getEnd(), file, split.getStart(), false);
        }
        SplitFetcher.Fetched fetched = fetcher.fetch(split);
        return new Opened(fetched.file(), 0, Long.MAX_VALUE, file, fetched.offset(), true);
    }
}
