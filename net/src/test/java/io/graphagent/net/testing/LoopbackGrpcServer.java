package io.graphagent.net.testing;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A plaintext gRPC server on a free port of 127.0.0.1 that serves what a test gives it (a
 * coordinator that refuses, the real program service...), for the real client code to call;
 * register it with {@code @RegisterExtension} and it is shut down after each test.
 */
public final class LoopbackGrpcServer implements AfterEachCallback {
    private volatile Server server;

    /** Starts serving {@code service}; returns {@code 127.0.0.1:PORT}. */
    public String start(BindableService service) throws IOException {
        return start(service.bindService());
    }

    /** Starts serving {@code service}; returns {@code 127.0.0.1:PORT}. */
    public String start(ServerServiceDefinition service) throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        return "127.0.0.1:" + server.getPort();
    }

    /** Ends the server at once, cutting off calls under way (a coordinator going away mid-call). */
    public void shutdownNow() {
        Server running = server;
        if (running != null) {
            running.shutdownNow();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        shutdownNow();
    }
}
