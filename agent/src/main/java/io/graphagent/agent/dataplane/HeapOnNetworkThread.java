package io.graphagent.agent.dataplane;

import io.graphagent.agent.load.ShareMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code OutOfMemoryError} drawn by a data-plane network thread while it filed a peer's batch:
 * caught in the handler, not left to gRPC and Netty (there it breaks the connection, and one
 * thrown again while they handle it ends the event loop, and with it every connection on it).
 * The batch's stream is refused with the cause and the fix, which the sending peer's job fails
 * with; a load in progress lets go of what it took in and fails on its own thread
 * ({@link EdgeTarget#outOfHeap}). Stateless.
 */
final class HeapOnNetworkThread {
    private static final Logger log = LoggerFactory.getLogger(HeapOnNetworkThread.class);

    private HeapOnNetworkThread() {
    }

    /** Edges of a load: the load drops what it took in; returns the refusal's message. */
    static String edges(EdgeTarget target, String jobId, long batchSeq, String sender) {
        String why = message("filing edge batch " + batchSeq + " from " + sender, jobId);
        target.outOfHeap(why);
        logged(jobId, sender, why);
        return why;
    }

    /** Messages of a superstep; returns the refusal's message. */
    static String messages(String jobId, int superstep, String sender) {
        String why = message("filing superstep " + superstep + "'s messages from " + sender, jobId);
        logged(jobId, sender, why);
        return why;
    }

    private static String message(String what, String jobId) {
        return "ran out of heap (" + (Runtime.getRuntime().maxMemory() >> 20) + " MB maximum) " + what + " for job " + jobId
                + ". " + ShareMemory.MORE_HEAP_FIX;
    }

    /** Logs the refusal; a log line that runs out of heap again is dropped, the refusal stands. */
    private static void logged(String jobId, String sender, String why) {
        try {
            log.warn("event=batch_refused cause=out_of_memory job={} sender={} detail=\"{}\"", jobId, sender, why);
        } catch (OutOfMemoryError again) {
            // The stream is refused all the same.
        }
    }
}
