package io.graphagent.coordinator.query;

import java.util.Arrays;

/**
 * One round of a hop's requests: the agents routed to, in id order (the order their answers
 * are read in), each with the partitions it is asked for, ascending when added so. Small
 * arrays, no boxing: a hop reaches a few agents. Used by the one thread that runs the query.
 */
final class AgentBatches {
    private String[] agents = new String[4];
    private int[][] partitions = new int[4][];
    private int[] sizes = new int[4];
    private int count;

    /** Asks {@code agent} for partition {@code p} too. */
    void add(String agent, int p) {
        int i = 0;
        while (i < count && agents[i].compareTo(agent) < 0) {
            i++;
        }
        if (i == count || !agents[i].equals(agent)) {
            insertAgent(i, agent);
        }
        if (sizes[i] == partitions[i].length) {
            partitions[i] = Arrays.copyOf(partitions[i], 2 * sizes[i]);
        }
        partitions[i][sizes[i]++] = p;
    }

    private void insertAgent(int i, String agent) {
        if (count == agents.length) {
            agents = Arrays.copyOf(agents, 2 * count);
            partitions = Arrays.copyOf(partitions, 2 * count);
            sizes = Arrays.copyOf(sizes, 2 * count);
        }
        System.arraycopy(agents, i, agents, i + 1, count - i);
        System.arraycopy(partitions, i, partitions, i + 1, count - i);
        System.arraycopy(sizes, i, sizes, i + 1, count - i);
        agents[i] = agent;
        partitions[i] = new int[4];
        sizes[i] = 0;
        count++;
    }

    /** Agents asked. */
    int count() {
        return count;
    }

    String agent(int i) {
        return agents[i];
    }

    /** The partitions agent {@code i} is asked for: the first {@link #size} entries. */
    int[] partitions(int i) {
        return partitions[i];
    }

    int size(int i) {
        return sizes[i];
    }
}
