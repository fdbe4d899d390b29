package io.graphagent.agent.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The records a scan will hold, projected from its first chunks, against the heap free: a split
 * too big fails after one chunk (a collection confirming it), one that fits costs no collection.
 */
class ScanMemoryTest {
    private static final long MB = 1L << 20;
    private static final long MAX = 64 * MB;

    private final AtomicLong used = new AtomicLong();
    private final AtomicLong usedAfterCollection = new AtomicLong();
    private final AtomicInteger collections = new AtomicInteger();

    private ScanMemory memory(long... splitMb) {
        long[] bytes = new long[splitMb.length];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = splitMb[i] * MB;
        }
        return new ScanMemory("agent-2", "job-5", bytes, used::get, MAX, () -> {
            collections.incrementAndGet();
            used.set(usedAfterCollection.get());
        });
    }

    @Test
    void aSplitWhoseRecordsFitIsNotCollected() {
        ScanMemory memory = memory(28);
        memory.nextSplit();
        used.set(10 * MB);
        memory.parsed(2 * MB, MB);

        assertThat(memory.projectedBytes()).as("half a byte of records per byte of text, 28 MB").isEqualTo(14 * MB);
        assertThat(memory.overflow()).isNull();
        assertThat(collections).hasValue(0);
    }

    @Test
    void aSplitTooBigFailsAfterItsFirstChunkNamingTheAgentTheNeedTheHeapAndTheFix() {
        ScanMemory memory = memory(60);
        memory.nextSplit();
        used.set(30 * MB);
        usedAfterCollection.set(20 * MB);
        memory.parsed(2 * MB, MB);

        String overflow = memory.overflow();

        assertThat(collections).as("the heap in use may be garbage: a collection confirms").hasValue(1);
        assertThat(overflow).contains("agent agent-2 needs about 45 MB more heap to parse its splits of job job-5")
                .contains("(about 30 MB of records from 60 MB of input)").contains("has 44 MB free of its 64 MB maximum")
                .contains("Fix: give the agents more heap").contains("run more agents");
    }

    @Test
    void aHeapFullOfGarbageIsCollectedOnceAQuarterOfTheInput() {
        ScanMemory memory = memory(40);
        memory.nextSplit();
        usedAfterCollection.set(10 * MB);
        used.set(50 * MB);
        memory.parsed(2 * MB, MB);

        assertThat(memory.overflow()).as("20 MB of records, 10 in use once collected").isNull();
        used.set(55 * MB);
        memory.parsed(2 * MB, MB);
        assertThat(memory.overflow()).as("4 MB of 40 read: not collected again").isNull();
        assertThat(collections).hasValue(1);
        used.set(58 * MB);
        memory.parsed(8 * MB, 4 * MB);
        assertThat(memory.overflow()).as("12 MB read").isNull();
        assertThat(collections).hasValue(2);
    }

    @Test
    void theSplitsParsedCountWhatTheyHoldAndTheRestIsProjectedFromTheCurrentOne() {
        ScanMemory memory = memory(2, 30);
        memory.nextSplit();
        memory.parsed(2 * MB, 3 * MB);
        memory.nextSplit();
        memory.parsed(3 * MB, MB);

        assertThat(memory.projectedBytes()).as("the vertices' 3 MB, then a third of 30 MB").isEqualTo(13 * MB);
        assertThat(memory.neededBytes()).as("9 MB still to come and headroom").isEqualTo(9 * MB + ShareMemory.HEADROOM);
    }

    @Test
    void nothingParsedYetIsNotJudged() {
        ScanMemory memory = memory(1000);
        memory.nextSplit();
        used.set(MAX);

        assertThat(memory.overflow()).isNull();
        assertThat(collections).hasValue(0);
    }
}
