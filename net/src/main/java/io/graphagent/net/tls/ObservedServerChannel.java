package io.graphagent.net.tls;

import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.function.Supplier;

/**
 * A listening socket whose accepted connections start with a {@link ServerHandshakeObserver}
 * at the head of their pipeline, ahead of everything gRPC adds. gRPC's public API offers no
 * other hook that sees a connection before (or without) a completed handshake: transport
 * filters only hear of negotiated connections, and protocol negotiators are internal API.
 * Netty event-loop confined, like any channel.
 */
final class ObservedServerChannel extends NioServerSocketChannel {

    private final Supplier<ServerHandshakeObserver> observers;

    ObservedServerChannel(Supplier<ServerHandshakeObserver> observers) {
        this.observers = observers;
    }

    @Override
    protected int doReadMessages(List<Object> buf) throws Exception {
        SocketChannel accepted = javaChannel().accept();
        if (accepted == null) {
            return 0;
        }
        try {
            NioSocketChannel child = new NioSocketChannel(this, accepted);
            child.pipeline().addFirst("graphagent-handshake-observer", observers.get());
            buf.add(child);
            return 1;
        } catch (RuntimeException e) {
            accepted.close();
            throw e;
        }
    }
}
