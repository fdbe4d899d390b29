package io.graphagent.net.tls;

import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.util.Objects;

/**
 * How a server or channel protects its connections: mutual TLS from files (the default
 * everywhere), a ready-made TLS context (tests, doctor), or plaintext, which exists only for an
 * explicit {@code --insecure} and is logged as a warning wherever it is used. Immutable.
 */
public sealed interface TransportSecurity {

    /** Mutual TLS with {@code files}, checked per {@code check}, on {@code engine}. */
    record Tls(TlsFiles files, TlsContexts.Engine engine, TlsContexts.FileCheck check) implements TransportSecurity {
        public Tls {
            Objects.requireNonNull(files, "files");
            Objects.requireNonNull(engine, "engine");
            Objects.requireNonNull(check, "check");
        }
    }

    /** TLS with a context built elsewhere; a server context must require client authentication. */
    record Prebuilt(SslContext context) implements TransportSecurity {
        public Prebuilt {
            Objects.requireNonNull(context, "context");
        }
    }

    /** No TLS at all: readable and forgeable by anyone on the network path. */
    record Insecure() implements TransportSecurity {
    }

    /** Mutual TLS with strictly validated files on the default engine. */
    static TransportSecurity tls(TlsFiles files) {
        return new Tls(files, TlsContexts.Engine.DEFAULT, TlsContexts.FileCheck.STRICT);
    }

    /** Plaintext; only for an explicit {@code --insecure}. */
    static TransportSecurity insecure() {
        return new Insecure();
    }

    /** Whether connections are encrypted and authenticated. */
    default boolean isTls() {
        return !(this instanceof Insecure);
    }
}
