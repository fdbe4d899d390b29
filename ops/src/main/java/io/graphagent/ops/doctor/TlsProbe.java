package io.graphagent.ops.doctor;

import io.graphagent.net.certs.KeyMaterial;
import io.graphagent.net.tls.CertificateChains;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One TLS handshake with the JDK's {@code SSLSocket}, recording the server's chain as sent (its
 * order, its certificates) and whether our trust manager accepted it, so that a refusal can be
 * explained from the chain itself rather than from an alert name. After the handshake it sends
 * the HTTP/2 preface and reads the answer, because under TLS 1.3 a server refuses our client
 * certificate only after our side has finished its handshake. Not thread-safe; one per probe.
 */
final class TlsProbe {

    private static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** An empty HTTP/2 SETTINGS frame: length 0, type 4, flags 0, stream 0. */
    private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    private static final char[] NO_PASSWORD = new char[0];

    /**
     * @param serverChain     the chain the server sent, in its order; empty when none arrived
     * @param serverTrusted   whether our trust manager (CA, validity, host name) accepted it
     * @param failure         what broke the handshake or the first read after it
     * @param afterHandshake  whether the failure came after our side's handshake completed
     * @param protocol        the negotiated TLS version, when the handshake finished
     * @param timedOut        whether the failure is the handshake deadline passing
     */
    record Outcome(List<X509Certificate> serverChain, boolean serverTrusted, Optional<Exception> failure,
                   boolean afterHandshake, String protocol, boolean timedOut, Duration took) {
    }

    private TlsProbe() {
    }

    /**
     * Handshakes with {@code address}, checking the server's certificate against {@code anchors}
     * and {@code host} (null anchors: trust anything, only to learn whether the port speaks TLS).
     */
    static Outcome handshake(InetSocketAddress address, String host, Optional<KeyMaterial> identity,
            List<X509Certificate> anchors, Duration connectTimeout, Duration handshakeTimeout) {
        long start = System.nanoTime();
        Recorder recorder;
        SSLContext context;
        try {
            recorder = new Recorder(anchors == null ? null : CertificateChains.pkix(anchors));
            context = SSLContext.getInstance("TLS");
            context.init(keyManagers(identity), new TrustManager[] {recorder}, null);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up a TLS client: " + e.getMessage(), e);
        }
        boolean handshook = false;
        String protocol = "";
        try (Socket plain = new Socket()) {
            plain.connect(address, (int) connectTimeout.toMillis());
            plain.setSoTimeout((int) handshakeTimeout.toMillis());
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, address.getPort(), false)) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                parameters.setApplicationProtocols(new String[] {"h2"});
                if (anchors != null) {
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                }
                tls.setSSLParameters(parameters);
                tls.startHandshake();
                handshook = true;
                protocol = tls.getSession().getProtocol();
                OutputStream out = tls.getOutputStream();
                out.write(HTTP2_PREFACE);
                out.write(EMPTY_SETTINGS);
                out.flush();
                InputStream in = tls.getInputStream();
                try {
                    if (in.read() < 0) {
                        return new Outcome(recorder.chain, recorder.trusted,
                                Optional.of(new IOException("the server closed the connection right after the handshake")),
                                true, protocol, false, Reachability.elapsed(start));
                    }
                } catch (SocketTimeoutException quiet) {
                    // No alert within the deadline: the server kept the connection, so it accepted us.
                }
            }
            return new Outcome(recorder.chain, recorder.trusted, Optional.empty(), true, protocol, false,
                    Reachability.elapsed(start));
        } catch (SocketTimeoutException e) {
            return new Outcome(recorder.chain, recorder.trusted, Optional.of(e), handshook, protocol, !handshook,
                    Reachability.elapsed(start));
        } catch (IOException e) {
            return new Outcome(recorder.chain, recorder.trusted, Optional.of(e), handshook, protocol, false,
                    Reachability.elapsed(start));
        }
    }

    private static KeyManager[] keyManagers(Optional<KeyMaterial> identity) throws GeneralSecurityException, IOException {
        if (identity.isEmpty()) {
            return null;
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("identity", identity.get().key(), NO_PASSWORD,
                identity.get().chain().toArray(new X509Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, NO_PASSWORD);
        return factory.getKeyManagers();
    }

    /** Records the server chain, then delegates (or, with no delegate, trusts anything). */
    private static final class Recorder extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        volatile List<X509Certificate> chain = List.of();
        volatile boolean trusted;

        Recorder(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
            chain = List.copyOf(Arrays.asList(certs));
            if (delegate != null) {
                delegate.checkServerTrusted(certs, authType, socket);
            }
            trusted = true;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
            chain = List.copyOf(Arrays.asList(certs));
            if (delegate != null) {
                delegate.checkServerTrusted(certs, authType, engine);
            }
            trusted = true;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            chain = List.copyOf(Arrays.asList(certs));
            if (delegate != null) {
                delegate.checkServerTrusted(certs, authType);
            }
            trusted = true;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("doctor is a client only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("doctor is a client only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            throw new CertificateException("doctor is a client only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate == null ? new X509Certificate[0] : delegate.getAcceptedIssuers();
        }
    }
}
