package io.graphagent.net.tls;

import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** A one-method gRPC service with byte-array messages, so tests need no .proto. */
final class Echo {

    static final MethodDescriptor<byte[], byte[]> METHOD = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("graphagent.test.Echo", "Echo"))
            .setRequestMarshaller(new Bytes())
            .setResponseMarshaller(new Bytes())
            .build();

    /** Never answers: for deadlines. */
    static final MethodDescriptor<byte[], byte[]> HANG = METHOD.toBuilder()
            .setFullMethodName(MethodDescriptor.generateFullMethodName("graphagent.test.Echo", "Hang"))
            .build();

    /** Answers "subject protocol" of the caller's TLS session. */
    static final MethodDescriptor<byte[], byte[]> WHO_AM_I = METHOD.toBuilder()
            .setFullMethodName(MethodDescriptor.generateFullMethodName("graphagent.test.Echo", "WhoAmI"))
            .build();

    private static final Context.Key<SSLSession> SESSION = Context.key("tls-session");

    private Echo() {
    }

    static ServerServiceDefinition service() {
        ServerServiceDefinition definition = ServerServiceDefinition.builder("graphagent.test.Echo")
                .addMethod(METHOD, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(request);
                    response.onCompleted();
                }))
                .addMethod(HANG, ServerCalls.asyncUnaryCall((request, response) -> {
                }))
                .addMethod(WHO_AM_I, ServerCalls.asyncUnaryCall((request, response) -> {
                    SSLSession session = SESSION.get();
                    String answer;
                    try {
                        answer = session == null ? "plaintext"
                                : session.getPeerPrincipal().getName() + " " + session.getProtocol();
                    } catch (SSLPeerUnverifiedException e) {
                        answer = "unverified";
                    }
                    response.onNext(answer.getBytes(StandardCharsets.UTF_8));
                    response.onCompleted();
                }))
                .build();
        return ServerInterceptors.intercept(definition, new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                Context context = Context.current().withValue(SESSION,
                        call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                return Contexts.interceptCall(context, call, headers, next);
            }
        });
    }

    /** One echo call with an explicit deadline. */
    static byte[] call(ManagedChannel channel, byte[] payload, Duration deadline) {
        return ClientCalls.blockingUnaryCall(channel, METHOD,
                CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS), payload);
    }

    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
