package io.graphagent.agent.job;

import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.protocol.v1.LoadPartitions;
import io.graphagent.protocol.v1.PartitionOwner;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who a partitioned load ships records to: the owner of every partition by agent id, and one
 * {@link PeerSender} per other agent of the load's partition map (whose data address the peer
 * checkpoints learn too).
 *
 * @param ownerOf the agent owning each partition
 * @param peers   a sender per peer, by agent id, in id order
 */
record LoadPeers(String[] ownerOf, Map<String, PeerSender> peers) {

    /** The peers of {@code load} as seen from agent {@code self}; a channel that cannot be made throws. */
    static LoadPeers of(LoadPartitions load, String self, PeerCheckpoints.Dialer dialer, PeerCheckpoints peerCheckpoints,
                        Duration exchangeTimeout) throws TlsFilesException {
        String[] ownerOf = new String[(int) load.getPartitions()];
        Map<String, PeerSender> peers = new TreeMap<>();
        for (PartitionOwner owner : load.getPartitionMap().getOwnersList()) {
            ownerOf[owner.getPartitionId()] = owner.getAgentId();
            if (!owner.getAgentId().equals(self) && !peers.containsKey(owner.getAgentId())) {
                peers.put(owner.getAgentId(), new PeerSender(owner.getAgentId(), dialer.channel(owner.getDataAddress()),
                        exchangeTimeout));
                peerCheckpoints.peerAt(owner.getDataAddress(), owner.getAgentId());
            }
        }
        return new LoadPeers(ownerOf, peers);
    }
}
