package io.graphagent.coordinator.session;

import io.graphagent.net.certs.CertificateRole;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who is on the other end of a call, as the transport saw it: the remote address and, with
 * TLS, the verified client certificate. {@link #interceptor()} puts it in the call's
 * {@link Context} so service methods can read it with {@link #current()}. Immutable.
 *
 * @param remoteAddress host:port of the peer
 * @param ssl           the TLS session, or null on a plaintext (--insecure) connection
 */
public record TransportPeer(String remoteAddress, SSLSession ssl) {

    private static final Context.Key<TransportPeer> KEY = Context.key("graphagent-transport-peer");

    /** Reads the peer from each call's transport attributes into its context. */
    public static ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                TransportPeer peer = new TransportPeer(address(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)),
                        call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                return Contexts.interceptCall(Context.current().withValue(KEY, peer), call, headers, next);
            }
        };
    }

    /** The peer of the current call; an unknown plaintext peer outside an intercepted call. */
    public static TransportPeer current() {
        TransportPeer peer = KEY.get();
        return peer == null ? new TransportPeer("unknown", null) : peer;
    }

    public boolean tls() {
        return ssl != null;
    }

    /** The CN of the verified client certificate's subject, when there is one. */
    Optional<String> certificateCn() {
        return leaf().flatMap(leaf -> commonName(leaf.getSubjectX500Principal().getName()));
    }

    /** The role the verified client certificate names (its OU), when there is a certificate naming one. */
    Optional<CertificateRole> role() {
        return leaf().flatMap(CertificateRole::of);
    }

    /** The verified client certificate's subject, for messages; empty without TLS. */
    public Optional<String> subject() {
        return leaf().map(leaf -> leaf.getSubjectX500Principal().getName());
    }

    private Optional<X509Certificate> leaf() {
        if (ssl == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = ssl.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? Optional.of(leaf) : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    /** The CN attribute of an RFC 2253 distinguished name. */
    static Optional<String> commonName(String distinguishedName) {
        try {
            for (Rdn rdn : new LdapName(distinguishedName).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return address == null ? "unknown" : address.toString();
    }
}
