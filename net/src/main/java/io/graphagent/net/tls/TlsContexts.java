package io.graphagent.net.tls;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Netty {@link SslContext}s for gRPC over mutual TLS: TLS 1.3 and 1.2 only, the cluster CA as
 * the only trust anchor on both sides, client authentication required by servers, and
 * certificate refusals classified (see {@link ClassifyingTrustManager}). Stateless and
 * thread-safe; the contexts returned are immutable and shareable.
 */
public final class TlsContexts {

    /** Protocol versions offered, newest first; older ones have known weaknesses. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** Which TLS implementation runs the handshakes. */
    public enum Engine {
        /** BoringSSL (bundled with grpc-netty-shaded) when it loads on this platform, else the JDK's. */
        DEFAULT,
        /** The JDK's SSLEngine. */
        JDK,
        /** BoringSSL through netty-tcnative; fails where it cannot load. */
        OPENSSL;

        SslProvider provider() {
            return switch (this) {
                case JDK -> SslProvider.JDK;
                case OPENSSL -> SslProvider.OPENSSL;
                case DEFAULT -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
            };
        }
    }

    /** How much the files are checked before a context is built. */
    public enum FileCheck {
        /** Refuse files that {@link TlsFiles#validate()} rejects: a node never serves bad material. */
        STRICT,
        /** Only parse them: for tests and tools that serve bad material on purpose. */
        LOAD_ONLY
    }

    private TlsContexts() {
    }

    /** A server context from strictly validated files, on the default engine. */
    public static SslContext server(TlsFiles files) throws TlsFilesException {
        return server(files, Engine.DEFAULT, FileCheck.STRICT);
    }

    /**
     * A server context: presents {@code files}' chain, requires a client certificate signed by
     * {@code files}' CA.
     */
    public static SslContext server(TlsFiles files, Engine engine, FileCheck check) throws TlsFilesException {
        TlsFiles.Loaded loaded = check == FileCheck.STRICT ? files.validate() : files.load();
        SslContextBuilder builder = SslContextBuilder.forServer(new FixedIdentityKeyManager(loaded.identity()));
        GrpcSslContexts.configure(builder, engine.provider());
        builder.trustManager(new ClassifyingTrustManager(loaded.trust(), Clock.systemUTC()))
                .clientAuth(ClientAuth.REQUIRE)
                .protocols(PROTOCOLS);
        return build(builder, files.cert());
    }

    /** A client context from strictly validated files, on the default engine. */
    public static SslContext client(TlsFiles files) throws TlsFilesException {
        return client(files, Engine.DEFAULT, FileCheck.STRICT);
    }

    /**
     * A client context: always presents {@code files}' chain (see {@link FixedIdentityKeyManager}),
     * trusts only {@code files}' CA. gRPC adds host name verification against the dialled
     * authority.
     */
    public static SslContext client(TlsFiles files, Engine engine, FileCheck check) throws TlsFilesException {
        TlsFiles.Loaded loaded = check == FileCheck.STRICT ? files.validate() : files.load();
        SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forClient(), engine.provider());
        builder.keyManager(new FixedIdentityKeyManager(loaded.identity()))
                .trustManager(new ClassifyingTrustManager(loaded.trust(), Clock.systemUTC()))
                .protocols(PROTOCOLS);
        return build(builder, files.cert());
    }

    /** A client context that trusts the CA but presents no certificate: for tests and doctor. */
    public static SslContext clientWithoutCertificate(TlsFiles files, Engine engine) throws TlsFilesException {
        TlsFiles.Loaded loaded = files.load();
        SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forClient(), engine.provider());
        builder.trustManager(new ClassifyingTrustManager(loaded.trust(), Clock.systemUTC())).protocols(PROTOCOLS);
        return build(builder, files.cert());
    }

    private static SslContext build(SslContextBuilder builder, Path cert) throws TlsFilesException {
        try {
            return builder.build();
        } catch (SSLException | RuntimeException e) {
            throw new TlsFilesException(List.of(new TlsProblem(TlsProblem.Kind.NOT_PEM, cert,
                    "TLS cannot use " + cert + " and its key (" + e.getMessage()
                            + "): run `graphagent doctor` on the files")));
        }
    }
}
