package io.graphagent.net.tls;

import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;

/**
 * A client socket whose pipeline starts with a {@link ClientHandshakeGuard}, ahead of the
 * handlers gRPC adds; the only public gRPC hook for that is the channel factory. Event-loop
 * confined.
 */
final class GuardedClientChannel extends NioSocketChannel {

    GuardedClientChannel(Duration handshakeTimeout) {
        pipeline().addFirst("graphagent-handshake-guard", new ClientHandshakeGuard(handshakeTimeout));
    }
}
