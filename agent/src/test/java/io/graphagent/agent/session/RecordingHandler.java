package io.graphagent.agent.session;

import io.graphagent.agent.job.CommandHandler;
import io.graphagent.protocol.v1.Command;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A job layer that only records what the session client tells it. */
final class RecordingHandler implements CommandHandler {

    final List<Command> commands = new CopyOnWriteArrayList<>();
    final List<String> fenced = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    volatile boolean closed;
    /** What {@link #broken()} answers; null: not broken. */
    volatile String broken;

    @Override
    public String dataAddress() {
        return io.graphagent.net.testing.LiveDataPort.address();
    }

    @Override
    public Map<String, List<Integer>> heldPartitions() {
        return Map.of();
    }

    @Override
    public void onCommand(Command command, CoordinatorLink link) {
        threads.add(Thread.currentThread().getName());
        commands.add(command);
    }

    @Override
    public void onFenced(String reason) {
        fenced.add(reason);
    }

    @Override
    public java.util.Optional<String> broken() {
        return java.util.Optional.ofNullable(broken);
    }

    @Override
    public void close() {
        closed = true;
    }
}
