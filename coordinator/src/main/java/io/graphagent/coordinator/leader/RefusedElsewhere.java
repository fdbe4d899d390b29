package io.graphagent.coordinator.leader;

import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * The standby's answer to every call of a service only a leader serves (the Query service:
 * resident graphs and queries): the same {@code not_leader} refusal as Submit gets, naming the
 * leader or why none leads, rather than gRPC's {@code UNIMPLEMENTED Method not found}, which a
 * client could only call unknown. Installed as the server's fallback registry, so it answers
 * only methods the standby's own services do not have. Thread-safe.
 */
final class RefusedElsewhere extends HandlerRegistry {

    /** Passes bytes through: the request is never read, the reply never written. */
    private static final MethodDescriptor.Marshaller<InputStream> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    };

    private final Supplier<Status> refusal;

    /** @param refusal the status of a refused call now (the leader moves) */
    RefusedElsewhere(Supplier<Status> refusal) {
        this.refusal = refusal;
    }

    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
        MethodDescriptor<InputStream, InputStream> method = MethodDescriptor.newBuilder(RAW, RAW)
                .setFullMethodName(methodName)
                .setType(MethodDescriptor.MethodType.UNKNOWN)
                .build();
        return ServerMethodDefinition.create(method, (call, headers) -> {
            call.close(refusal.get(), new Metadata());
            return new ServerCall.Listener<>() {
            };
        });
    }
}
