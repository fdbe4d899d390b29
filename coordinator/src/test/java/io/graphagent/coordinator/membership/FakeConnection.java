package io.graphagent.coordinator.membership;

import io.graphagent.protocol.v1.CoordinatorMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An agent stream that records what membership sends on it; for tests here and in ops. */
public final class FakeConnection implements AgentConnection {

    final List<CoordinatorMessage> sent = new CopyOnWriteArrayList<>();
    private final String address;
    private volatile boolean open = true;

    public FakeConnection(String address) {
        this.address = address;
    }

    @Override
    public boolean send(CoordinatorMessage message) {
        if (!open) {
            return false;
        }
        sent.add(message);
        return true;
    }

    @Override
    public void end(String reason) {
        open = false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public String remoteAddress() {
        return address;
    }

    @Override
    public boolean tls() {
        return true;
    }

    List<CoordinatorMessage.BodyCase> kinds() {
        return sent.stream().map(CoordinatorMessage::getBodyCase).toList();
    }

    CoordinatorMessage last() {
        return sent.get(sent.size() - 1);
    }
}
