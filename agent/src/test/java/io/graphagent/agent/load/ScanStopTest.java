package io.graphagent.agent.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.api.EdgeUse;
import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.v1.GraphFiles;
import io.graphagent.protocol.v1.InputFileKind;
import io.graphagent.protocol.v1.InputSplit;
import io.graphagent.protocol.v1.InputTransfer;
import io.graphagent.protocol.v1.LoadScanned;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load whose job was aborted (it failed on another agent) stops parsing at the next chunk
 * instead of filling the heap with records nobody will read: on a small heap that parse ran
 * on into back-to-back full collections, and the next job's commands waited behind it.
 */
class ScanStopTest {
    /** Edges enough for several of the parser's 2 MiB chunks. */
    private static final int EDGES = 900_000;

    @TempDir
    static Path dir;
    private static Path edges;

    @BeforeAll
    static void writeGraph() throws Exception {
        edges = dir.resolve("g.e");
        try (BufferedWriter out = Files.newBufferedWriter(edges)) {
            for (int i = 0; i < EDGES; i++) {
                out.write(i % 50_000 + " " + (i * 7 + 3) % 50_000 + "\n");
            }
        }
    }

    private static PartitionedLoad load() {
        GraphFiles input = GraphFiles.newBuilder().setEdgeFile(edges.toString()).setDirected(true).build();
        return new PartitionedLoad("job-1", "agent-1", 1, input, new int[] {0}, new String[] {"agent-1"}, Map.of(), 1,
                Duration.ofSeconds(30), EdgeUse.OUT_AND_IN, Ticker.system());
    }

    private static List<InputSplit> wholeFile() throws Exception {
        return List.of(InputSplit.newBuilder().setFile(InputFileKind.EDGE_FILE).setStart(0).setEnd(Files.size(edges))
                .build());
    }

    private static SplitAccess shared() {
        GraphFiles input = GraphFiles.newBuilder().setEdgeFile(edges.toString()).build();
        return SplitAccess.choose(input, InputTransfer.INPUT_TRANSFER_SHARED, null);
    }

    @Test
    void aLoadNotStoppedParsesItsWholeSplit() throws Exception {
        LoadScanned scanned = load().scan(wholeFile(), shared(), () -> false);

        assertThat(scanned.getEdgeRecords()).isEqualTo(EDGES);
        assertThat(scanned.getBytesRead()).isEqualTo(Files.size(edges));
    }

    @Test
    void aLoadStoppedAfterItsFirstChunkParsesNoFurther() throws Exception {
        AtomicInteger polls = new AtomicInteger();

        // One parser thread: each chunk parsed polls once; the first poll says the job was aborted.
        assertThatThrownBy(() -> load().scan(wholeFile(), shared(), () -> polls.incrementAndGet() > 1))
                .isInstanceOf(InterruptedException.class).hasMessageContaining("job-1").hasMessageContaining("aborted");
        assertThat(polls.get()).as("chunks parsed after the stop").isEqualTo(2);
    }
}
