package io.graphagent.net.cause;

import static io.graphagent.net.cause.FailureClassifier.Side.CLIENT;
import static io.graphagent.net.cause.FailureClassifier.Side.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.net.cause.FailureClassifier.Side;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.netty.shaded.io.netty.channel.ConnectTimeoutException;
import io.grpc.netty.shaded.io.netty.handler.ssl.NotSslRecordException;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXReason;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FailureClassifierTest {

    /** What gRPC hands a caller: UNAVAILABLE wrapping the transport's exception. */
    private static Throwable unavailable(Throwable cause) {
        return Status.UNAVAILABLE.withDescription("io exception").withCause(cause).asRuntimeException();
    }

    private static SSLHandshakeException handshake(String message, Throwable cause) {
        SSLHandshakeException e = new SSLHandshakeException(message);
        e.initCause(cause);
        return e;
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(CLIENT, unavailable(new UnknownHostException("coordinator.invalid")),
                        DisconnectCause.NAME_RESOLUTION_FAILED),
                Arguments.of(CLIENT, Status.UNAVAILABLE.withDescription("Unable to resolve host coordinator.invalid")
                        .asRuntimeException(), DisconnectCause.NAME_RESOLUTION_FAILED),
                Arguments.of(CLIENT, unavailable(new ConnectException("Connection refused")),
                        DisconnectCause.CONNECTION_REFUSED),
                Arguments.of(CLIENT, unavailable(new ConnectTimeoutException(
                        "connection timed out after 1000 ms: /10.255.255.1:7400")), DisconnectCause.CONNECT_TIMEOUT),
                Arguments.of(CLIENT, unavailable(new SocketException("Connection reset")),
                        DisconnectCause.CONNECTION_RESET),
                Arguments.of(CLIENT, unavailable(new SslHandshakeTimeoutException("handshake timed out after 5000ms")),
                        DisconnectCause.TLS_HANDSHAKE_TIMEOUT),
                // JDK engine, alerts received from the peer
                Arguments.of(CLIENT, unavailable(new SSLHandshakeException("Received fatal alert: unknown_ca")),
                        DisconnectCause.TLS_UNKNOWN_CA),
                Arguments.of(CLIENT, unavailable(new SSLHandshakeException(
                        "(certificate_required) Received fatal alert: certificate_required")),
                        DisconnectCause.TLS_CLIENT_CERT_MISSING),
                Arguments.of(CLIENT, unavailable(new SSLHandshakeException(
                        "(certificate_unknown) Received fatal alert: certificate_unknown")),
                        DisconnectCause.TLS_CLIENT_CERT_REFUSED),
                Arguments.of(SERVER, new SSLHandshakeException(
                        "(certificate_unknown) Received fatal alert: certificate_unknown"),
                        DisconnectCause.TLS_SERVER_CERT_REFUSED),
                // BoringSSL engine
                Arguments.of(CLIENT, unavailable(new SSLException(
                        "error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA")),
                        DisconnectCause.TLS_UNKNOWN_CA),
                Arguments.of(CLIENT, unavailable(new SSLException(
                        "error:10000415:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_EXPIRED")),
                        DisconnectCause.TLS_CERT_EXPIRED),
                Arguments.of(SERVER, new SSLHandshakeException(
                        "error:100000c0:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE"),
                        DisconnectCause.TLS_CLIENT_CERT_MISSING),
                // local verification
                Arguments.of(SERVER, handshake("(certificate_required) Empty client certificate chain", null),
                        DisconnectCause.TLS_CLIENT_CERT_MISSING),
                Arguments.of(CLIENT, unavailable(handshake("PKIX path validation failed",
                        new CertificateException("validity check failed", new CertificateExpiredException("NotAfter")))),
                        DisconnectCause.TLS_CERT_EXPIRED),
                Arguments.of(CLIENT, unavailable(handshake("PKIX path validation failed",
                        new CertificateNotYetValidException("NotBefore"))), DisconnectCause.TLS_CERT_NOT_YET_VALID),
                Arguments.of(CLIENT, unavailable(handshake("PKIX path building failed", new CertPathValidatorException(
                        "no anchor", null, null, -1, PKIXReason.NO_TRUST_ANCHOR))), DisconnectCause.TLS_UNKNOWN_CA),
                Arguments.of(CLIENT, unavailable(handshake("PKIX path building failed", new CertificateException(
                        "unable to find valid certification path to requested target"))), DisconnectCause.TLS_UNKNOWN_CA),
                Arguments.of(CLIENT, unavailable(handshake("x", new CertificateException(
                        "No subject alternative names matching IP address 10.0.0.7 found"))),
                        DisconnectCause.TLS_HOSTNAME_MISMATCH),
                Arguments.of(CLIENT, unavailable(handshake("x", new CertificateException(
                        "No name matching coordinator.example found"))), DisconnectCause.TLS_HOSTNAME_MISMATCH),
                // TLS and plaintext mixed up
                Arguments.of(CLIENT, unavailable(new NotSslRecordException("not an SSL/TLS record: 0000120400")),
                        DisconnectCause.TLS_TO_PLAINTEXT_PORT),
                Arguments.of(SERVER, new NotSslRecordException("not an SSL/TLS record: 505249202a"),
                        DisconnectCause.PLAINTEXT_TO_TLS_PORT),
                Arguments.of(CLIENT, Status.UNAVAILABLE.withDescription("http2 exception").withCause(new Exception(
                        "First received frame was not SETTINGS. Hex dump for first 5 bytes: 1503030002"))
                        .asRuntimeException(), DisconnectCause.PLAINTEXT_TO_TLS_PORT),
                Arguments.of(SERVER, new Exception("HTTP/2 client preface string missing or corrupt. "
                        + "Hex dump for received bytes: 1603010200"), DisconnectCause.TLS_TO_PLAINTEXT_PORT),
                // gRPC statuses
                Arguments.of(CLIENT, Status.UNAVAILABLE.withDescription(
                        "Connection closed after GOAWAY. HTTP/2 error code: ENHANCE_YOUR_CALM, debug data: too_many_pings")
                        .asRuntimeException(), DisconnectCause.KEEPALIVE_TOO_MANY_PINGS),
                Arguments.of(CLIENT, new StatusException(Status.RESOURCE_EXHAUSTED.withDescription("too_many_pings")),
                        DisconnectCause.KEEPALIVE_TOO_MANY_PINGS),
                Arguments.of(CLIENT, Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded after 1.0s")
                        .asRuntimeException(), DisconnectCause.DEADLINE_EXCEEDED),
                Arguments.of(CLIENT, Status.UNAVAILABLE.withDescription("Network closed for unknown reason")
                        .asRuntimeException(), DisconnectCause.PEER_CLOSED),
                Arguments.of(CLIENT, Status.CANCELLED.asRuntimeException(), DisconnectCause.STREAM_BROKEN),
                // the server reset the call under way (shut down, stepped down); a call cancelled here stays stream_broken
                Arguments.of(CLIENT, Status.CANCELLED.withDescription("RST_STREAM closed stream. HTTP/2 error code: CANCEL")
                        .asRuntimeException(), DisconnectCause.PEER_CLOSED),
                Arguments.of(SERVER, Status.CANCELLED.withDescription("RST_STREAM closed stream. HTTP/2 error code: CANCEL")
                        .asRuntimeException(), DisconnectCause.STREAM_BROKEN),
                Arguments.of(CLIENT, Status.CANCELLED.withDescription("Call cancelled").asRuntimeException(),
                        DisconnectCause.STREAM_BROKEN),
                // a standby's refusal, even when etcd's problem it quotes reads like a connect error
                Arguments.of(CLIENT, new NotLeaderRefusal("c2", "127.0.0.1:7401", "").status().asRuntimeException(),
                        DisconnectCause.NOT_LEADER),
                Arguments.of(CLIENT, new NotLeaderRefusal("c2", "", "etcd has no quorum: etcd at http://127.0.0.1:2379"
                        + " did not serve a read (quorum) (Connection refused: /127.0.0.1:2379)").status()
                        .asRuntimeException(), DisconnectCause.NOT_LEADER),
                Arguments.of(CLIENT, Status.UNAVAILABLE.withDescription("not_leaderboard: nothing to do with it")
                        .asRuntimeException(), DisconnectCause.STREAM_BROKEN),
                Arguments.of(CLIENT, Status.UNAUTHENTICATED.asRuntimeException(), DisconnectCause.IDENTITY_REFUSED),
                Arguments.of(CLIENT, unavailable(new ClosedChannelException()), DisconnectCause.PEER_CLOSED),
                Arguments.of(CLIENT, new IllegalStateException("something else"), DisconnectCause.UNKNOWN));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("failures")
    void classifiesFailure(Side side, Throwable failure, DisconnectCause expected) {
        assertThat(FailureClassifier.classify(failure, side)).isEqualTo(expected);
    }

    @Test
    void aFailureThatNamesItsCauseBeatsEveryGuess() {
        class Named extends Exception implements ClassifiedFailure {
            Named() {
                super("the agent's id is taken", new ConnectException("Connection refused"));
            }

            @Override
            public DisconnectCause disconnectCause() {
                return DisconnectCause.DUPLICATE_AGENT;
            }
        }
        assertThat(FailureClassifier.classify(unavailable(new Named()))).isEqualTo(DisconnectCause.DUPLICATE_AGENT);
    }

    @Test
    void specificEvidenceDeepInTheChainBeatsAGenericWrapper() {
        Throwable failure = unavailable(handshake("General OpenSslEngine problem",
                new CertificateException("x", new CertificateExpiredException("NotAfter"))));
        FailureClassifier.Classification classification = FailureClassifier.explain(failure, CLIENT);
        assertThat(classification.cause()).isEqualTo(DisconnectCause.TLS_CERT_EXPIRED);
        assertThat(classification.detail()).isEqualTo("NotAfter");
    }

    @Test
    void aGenericHandshakeFailureIsStillATlsFailure() {
        assertThat(FailureClassifier.classify(unavailable(new SSLHandshakeException("General OpenSslEngine problem"))))
                .isEqualTo(DisconnectCause.TLS_HANDSHAKE_FAILED);
    }

    @Test
    void aCyclicCauseChainTerminates() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);
        assertThat(FailureClassifier.classify(a)).isEqualTo(DisconnectCause.UNKNOWN);
    }

    @Test
    void detailIsOneBoundedLine() {
        String detail = FailureClassifier.oneLine(new Exception("line one\nline \"two\" " + "x".repeat(500)));
        assertThat(detail).doesNotContain("\n").doesNotContain("\"").hasSizeLessThanOrEqualTo(300);
    }

    @Test
    void routingErrorsOfConnectAreUnreachableNotTimeouts() {
        assertThat(FailureClassifier.classify(unavailable(new java.net.ConnectException("Network is unreachable"))))
                .isEqualTo(DisconnectCause.NETWORK_UNREACHABLE);
        assertThat(FailureClassifier.classify(unavailable(new java.io.IOException(
                "connect(..) failed: Network is unreachable: /10.213.1.2:7400")))).isEqualTo(DisconnectCause.NETWORK_UNREACHABLE);
        assertThat(FailureClassifier.classify(new java.net.NoRouteToHostException("No route to host")))
                .isEqualTo(DisconnectCause.HOST_UNREACHABLE);
        assertThat(FailureClassifier.classify(unavailable(new java.io.IOException("No route to host: /10.213.1.2:7400"))))
                .isEqualTo(DisconnectCause.HOST_UNREACHABLE);
    }
}
