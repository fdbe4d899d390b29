package io.graphagent.agent.query;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;

/**
 * A response marshaller that serializes a protobuf message through one byte array per thread,
 * kept from one message to the next, instead of the fresh encoder buffer (up to 4 KiB) protobuf
 * makes for every message written to a stream: on an agent answering thousands of hops a
 * second that buffer was a tenth of what a request allocated. The transport copies the bytes
 * out within {@link Drainable#drainTo}, so the array is free again when it returns. Messages
 * over {@link #MAX_BYTES} are written as before. Parsing is the given marshaller's. Thread-safe.
 */
final class ReusedBufferMarshaller<T> implements MethodDescriptor.Marshaller<T> {
    /** Largest message serialized through the thread's array (and the most the array keeps): 1 MiB. */
    static final int MAX_BYTES = 1 << 20;
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[1 << 12]);

    private final MethodDescriptor.Marshaller<T> delegate;

    ReusedBufferMarshaller(MethodDescriptor.Marshaller<T> delegate) {
        this.delegate = delegate;
    }

    /** {@code service} with the responses of {@code methods} (full method names) written by this marshaller. */
    static ServerServiceDefinition responsesOf(ServerServiceDefinition service, Set<String> methods) {
        ServiceDescriptor old = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(old.getName())
                .setSchemaDescriptor(old.getSchemaDescriptor());
        java.util.List<ServerMethodDefinition<?, ?>> definitions = new java.util.ArrayList<>();
        for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
            ServerMethodDefinition<?, ?> d = methods.contains(m.getMethodDescriptor().getFullMethodName()) ? reusing(m) : m;
            descriptor.addMethod(d.getMethodDescriptor());
            definitions.add(d);
        }
        ServerServiceDefinition.Builder out = ServerServiceDefinition.builder(descriptor.build());
        definitions.forEach(out::addMethod);
        return out.build();
    }

    private static <Q, R> ServerMethodDefinition<Q, R> reusing(ServerMethodDefinition<Q, R> m) {
        MethodDescriptor<Q, R> d = m.getMethodDescriptor();
        return ServerMethodDefinition.create(d.toBuilder().setResponseMarshaller(
                new ReusedBufferMarshaller<>(d.getResponseMarshaller())).build(), m.getServerCallHandler());
    }

    @Override
    public InputStream stream(T value) {
        if (value instanceof MessageLite message && message.getSerializedSize() <= MAX_BYTES) {
            return new Serialized(message);
        }
        return delegate.stream(value);
    }

    @Override
    public T parse(InputStream stream) {
        return delegate.parse(stream);
    }

    /** A message to be written once: drained through the thread's array, or read as bytes by a transport that reads. */
    private static final class Serialized extends InputStream implements Drainable, KnownLength {
        private MessageLite message;
        private InputStream read;

        Serialized(MessageLite message) {
            this.message = message;
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            if (message == null) {
                return (int) bytes().transferTo(target);
            }
            int size = message.getSerializedSize();
            byte[] buffer = BUFFERS.get();
            if (buffer.length < size) {
                buffer = new byte[Math.max(size, Math.min(MAX_BYTES, buffer.length * 2))];
                BUFFERS.set(buffer);
            }
            CodedOutputStream out = CodedOutputStream.newInstance(buffer, 0, size);
            message.writeTo(out);
            out.checkNoSpaceLeft();
            message = null;
            target.write(buffer, 0, size);
            return size;
        }

        private InputStream bytes() {
            if (read == null) {
                read = new ByteArrayInputStream(message == null ? new byte[0] : message.toByteArray());
                message = null;
            }
            return read;
        }

        @Override
        public int read() throws IOException {
            return bytes().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return bytes().read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return message != null ? message.getSerializedSize() : bytes().available();
        }
    }
}
