package io.graphagent.coordinator.job;

/**
 * A checkpoint completed while ALIVE agents stood outside the job (job.rebalance: on-join):
 * the superstep loop stops so the job can be dealt again over every agent from that checkpoint.
 */
final class RebalanceDue extends JobFailedException {
    private static final long serialVersionUID = 1L;

    RebalanceDue(int checkpointed) {
        super(Recovery.AGENT_JOINED, "agents joined; rebalancing from the checkpoint of superstep " + checkpointed);
    }
}
