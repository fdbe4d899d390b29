package io.graphagent.agent.session;

import io.graphagent.agent.job.CommandHandler;
import io.graphagent.protocol.v1.HeldPartitions;
import io.graphagent.protocol.v1.Hello;
import io.graphagent.protocol.v1.Resources;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Hello an agent opens each Session stream with. Stateless. */
final class Hellos {

    private static final Logger log = LoggerFactory.getLogger(Hellos.class);

    private Hellos() {
    }

    /**
     * @param resume a session id to resume, or empty for a new session
     * @param nowMs  the agent's clock, for a first estimate of clock skew
     */
    static Hello hello(SessionSettings settings, CommandHandler handler, String resume, long nowMs) {
        Hello.Builder hello = Hello.newBuilder()
                .setAgentId(settings.agentId())
                .setProtocolMin(settings.protocolMin())
                .setProtocolMax(settings.protocolMax())
                .setBuildVersion(settings.buildVersion())
                .setResources(Resources.newBuilder()
                        .setCores(Runtime.getRuntime().availableProcessors())
                        .setMaxHeapBytes(Runtime.getRuntime().maxMemory()))
                .setResumeSessionId(resume)
                .setClusterId(settings.clusterId())
                .setAgentTimeMs(nowMs);
        try {
            hello.setDataAddress(handler.dataAddress());
            for (Map.Entry<String, List<Integer>> held : handler.heldPartitions().entrySet()) {
                hello.addHeld(HeldPartitions.newBuilder().setJobId(held.getKey()).addAllPartitionIds(held.getValue()));
            }
            hello.addAllHeld(handler.heldResidents());
        } catch (RuntimeException e) {
            log.error("event=hello_incomplete agent={} detail=\"the job layer failed to give its data address or held"
                    + " partitions: {}\"", settings.agentId(), e.toString(), e);
        }
        return hello.build();
    }
}
