package io.graphagent.agent.load;

import io.graphagent.graph.load.SplitParser;
import java.util.function.LongSupplier;

/**
 * Whether this agent's heap can hold the records its splits will give, judged while they are
 * parsed, from the first chunk on: the records kept so far per byte of text read, times the
 * bytes still to read, against the heap free. A split too big for the heap then fails its job
 * on the load's thread, with the numbers and the fix, long before the heap is full — not with
 * an {@code OutOfMemoryError} that, once the heap is full, any thread may draw (a network
 * thread's kills the agent's connections or its event loop).
 *
 * <p>The projection: the splits already parsed hold what they hold; the split being parsed and
 * those after it hold the current split's records per byte of text (a file's lines are alike)
 * times their bytes. Needed beyond what is held: the rest of that and {@link ShareMemory#HEADROOM}.
 * The heap in use counts garbage too, so when the
 * need looks bigger than the heap free, a full collection tells (at most once per quarter of
 * the input read, so a graph that fits costs none and a tight one a few).
 * Thread-safe: told of chunks from the parse's threads.
 */
final class ScanMemory {
    private final String agentId;
    private final String jobId;
    private final long[] splitBytes;
    private final LongSupplier usedBytes;
    private final long maxBytes;
    private final Runnable collect;
    private int split = -1;
    private long heldBefore;
    private long splitRead;
    private long splitHeld;
    private long readAtCollect = -1;

    /**
     * @param splitBytes the bytes of text of each split, in parse order
     * @param usedBytes the heap in use now
     * @param collect a full collection
     */
    ScanMemory(String agentId, String jobId, long[] splitBytes, LongSupplier usedBytes, long maxBytes,
               Runnable collect) {
        this.agentId = agentId;
        this.jobId = jobId;
        this.splitBytes = splitBytes.clone();
        this.usedBytes = usedBytes;
        this.maxBytes = maxBytes;
        this.collect = collect;
    }

    /** This JVM's heap. */
    static ScanMemory ofThisJvm(String agentId, String jobId, long[] splitBytes) {
        Runtime runtime = Runtime.getRuntime();
        return new ScanMemory(agentId, jobId, splitBytes, () -> runtime.totalMemory() - runtime.freeMemory(),
                runtime.maxMemory(), System::gc);
    }

    /** The parse moves on to the next split. */
    synchronized void nextSplit() {
        heldBefore += splitHeld;
        split++;
        splitRead = 0;
        splitHeld = 0;
    }

    /** What a chunk of the current split held; see {@link SplitParser.ChunkSizes}. */
    synchronized void parsed(long textBytes, long heldBytes) {
        splitRead += textBytes;
        splitHeld += heldBytes;
    }

    /** The bytes the parse will hold once every split is parsed, projected from the current split's records per byte. */
    synchronized long projectedBytes() {
        if (split < 0 || splitRead == 0) {
            return heldBefore + splitHeld;
        }
        double perByte = (double) splitHeld / splitRead;
        long toRead = Math.max(0, splitBytes[split] - splitRead);
        for (int s = split + 1; s < splitBytes.length; s++) {
            toRead += splitBytes[s];
        }
        return heldBefore + splitHeld + (long) (perByte * toRead);
    }

    /**
     * The bytes the parse needs beyond what it holds: the records still to come and
     * {@link ShareMemory#HEADROOM}. The parse threads' chunks in flight are in the heap in use
     * already when it is read (after a chunk, while the others parse theirs).
     */
    synchronized long neededBytes() {
        return projectedBytes() - heldBefore - splitHeld + ShareMemory.HEADROOM;
    }

    /**
     * @return null while the records projected fit; else why not, naming the agent, the bytes and the fix
     */
    synchronized String overflow() {
        if (splitRead == 0) {
            return null;
        }
        long needed = neededBytes();
        long free = maxBytes - usedBytes.getAsLong();
        if (needed <= free) {
            return null;
        }
        long read = read();
        if (readAtCollect >= 0 && read - readAtCollect < totalBytes() / 4) {
            return null; // confirmed by a collection lately: the heap in use now is mostly garbage
        }
        collect.run();
        readAtCollect = read;
        free = maxBytes - usedBytes.getAsLong();
        if (needed <= free) {
            return null;
        }
        return "agent " + agentId + " needs about " + ShareMemory.mb(needed) + " MB more heap to parse its splits of job "
                + jobId + " (about " + ShareMemory.mb(projectedBytes()) + " MB of records from "
                + ShareMemory.mb(totalBytes()) + " MB of input), but has " + ShareMemory.mb(free) + " MB free of its "
                + ShareMemory.mb(maxBytes) + " MB maximum. " + ShareMemory.MORE_HEAP_FIX;
    }

    private long read() {
        long read = splitRead;
        for (int s = 0; s < split; s++) {
            read += splitBytes[s];
        }
        return read;
    }

    private long totalBytes() {
        long total = 0;
        for (long bytes : splitBytes) {
            total += bytes;
        }
        return total;
    }
}
