package io.graphagent.net.cause;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXReason;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Maps a connection failure (a gRPC status exception, an {@link SSLException}, a
 * {@code java.net} exception, or anything wrapping them) to a {@link DisconnectCause}.
 *
 * <p>The whole cause chain is read. Evidence comes in strengths: an exception that names its
 * cause ({@link ClassifiedFailure}) beats a specific exception type or TLS alert/message
 * (expired certificate, unknown CA, connection refused), which beats a generic one (some
 * {@link SSLHandshakeException}), which beats the bare gRPC status code; among equals the
 * innermost wins, since wrappers only repeat it. Messages of both TLS engines that gRPC uses
 * are recognised: the JDK's ({@code Received fatal alert: unknown_ca}) and BoringSSL's
 * ({@code TLSV1_ALERT_UNKNOWN_CA}). A coordinator's {@link NotLeaderRefusal} names its cause
 * as surely as a {@link ClassifiedFailure} does; a call the server reset under the client
 * ({@code CANCELLED RST_STREAM}) is {@link DisconnectCause#PEER_CLOSED}.
 *
 * <p>Some evidence means opposite things on the two ends of a connection (a non-TLS record
 * received by a server means the client spoke plaintext; received by a client it means the
 * server did), hence {@link Side}. Stateless and thread-safe.
 */
public final class FailureClassifier {

    /** Which end of the connection observed the failure. */
    public enum Side {
        /** The end that dialled (agent session, peer data-plane client, CLI). */
        CLIENT,
        /** The end that accepted the connection. */
        SERVER
    }

    private static final int MAX_CHAIN = 32;

    private static final int NONE = 0;
    private static final int STATUS = 1;
    private static final int GENERIC = 2;
    private static final int SPECIFIC = 3;
    private static final int NAMED = 4;

    private FailureClassifier() {
    }

    /** Classifies a failure seen by the client end, the common case (calls, sessions, exits). */
    public static DisconnectCause classify(Throwable failure) {
        return classify(failure, Side.CLIENT);
    }

    /** Classifies a failure seen by the given end of the connection. */
    public static DisconnectCause classify(Throwable failure, Side side) {
        return explain(failure, side).cause();
    }

    /** A cause with the one-line detail it was read from, for a log line's {@code detail=}. */
    public record Classification(DisconnectCause cause, String detail) {
    }

    /**
     * Classifies a failure and keeps the message of the exception that decided it (single
     * line, at most 300 characters; the outermost message when nothing decided).
     */
    public static Classification explain(Throwable failure, Side side) {
        DisconnectCause best = DisconnectCause.UNKNOWN;
        Throwable decisive = failure;
        int bestStrength = NONE;
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable current = failure;
        while (current != null && seen.size() < MAX_CHAIN && seen.add(current)) {
            Evidence evidence = evidence(current, side);
            if (evidence != null && evidence.strength >= bestStrength) {
                best = evidence.cause;
                bestStrength = evidence.strength;
                decisive = current;
            }
            current = current.getCause();
        }
        return new Classification(best, oneLine(decisive));
    }

    /** The throwable's message on one line, at most 300 characters, or its class name. */
    public static String oneLine(Throwable t) {
        if (t == null) {
            return "";
        }
        String message = t.getMessage() == null || t.getMessage().isBlank()
                ? t.getClass().getSimpleName() : t.getMessage();
        String line = message.replaceAll("\\s+", " ").replace('"', '\'').trim();
        return line.length() <= 300 ? line : line.substring(0, 297) + "...";
    }

    /** Classifies a gRPC status (code, description and cause) seen by the client end. */
    public static DisconnectCause classify(Status status) {
        return classify(status.asRuntimeException(), Side.CLIENT);
    }

    private record Evidence(DisconnectCause cause, int strength) {
    }

    private static Evidence evidence(Throwable t, Side side) {
        if (t instanceof ClassifiedFailure classified) {
            return new Evidence(classified.disconnectCause(), NAMED);
        }
        Status named = statusOf(t);
        if (named != null && NotLeaderRefusal.of(named).isPresent()) {
            // The coordinator names the refusal itself; etcd's problem quoted in it may read like a connect error.
            return new Evidence(DisconnectCause.NOT_LEADER, NAMED);
        }
        if (named != null && side == Side.CLIENT && cutByPeer(named)) {
            return new Evidence(DisconnectCause.PEER_CLOSED, SPECIFIC);
        }
        DisconnectCause specific = specific(t, side);
        if (specific != null) {
            return new Evidence(specific, SPECIFIC);
        }
        if (t instanceof SSLHandshakeException) {
            return new Evidence(DisconnectCause.TLS_HANDSHAKE_FAILED, GENERIC);
        }
        if (t instanceof ClosedChannelException) {
            return new Evidence(DisconnectCause.PEER_CLOSED, GENERIC);
        }
        Status status = statusOf(t);
        if (status != null) {
            DisconnectCause fromCode = fromStatusCode(status.getCode());
            return fromCode == null ? null : new Evidence(fromCode, STATUS);
        }
        return null;
    }

    private static DisconnectCause specific(Throwable t, Side side) {
        String name = t.getClass().getSimpleName();
        if (name.equals("NotSslRecordException")) {
            return plaintextMixUp(side);
        }
        if (name.equals("SslHandshakeTimeoutException")) {
            return DisconnectCause.TLS_HANDSHAKE_TIMEOUT;
        }
        if (name.equals("ConnectTimeoutException")) {
            return DisconnectCause.CONNECT_TIMEOUT;
        }
        if (t instanceof UnknownHostException) {
            return DisconnectCause.NAME_RESOLUTION_FAILED;
        }
        if (t instanceof CertificateExpiredException) {
            return DisconnectCause.TLS_CERT_EXPIRED;
        }
        if (t instanceof CertificateNotYetValidException) {
            return DisconnectCause.TLS_CERT_NOT_YET_VALID;
        }
        if (t instanceof CertPathValidatorException validator) {
            DisconnectCause byReason = fromReason(validator.getReason());
            if (byReason != null) {
                return byReason;
            }
        }
        if (t instanceof CertPathBuilderException) {
            return DisconnectCause.TLS_UNKNOWN_CA;
        }
        String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        // errno texts of connect(2), from java.net and from netty's native transport alike.
        if (message.contains("network is unreachable")) {
            return DisconnectCause.NETWORK_UNREACHABLE;
        }
        if (t instanceof NoRouteToHostException || message.contains("no route to host")) {
            return DisconnectCause.HOST_UNREACHABLE;
        }
        if (message.contains("too_many_pings")) {
            return DisconnectCause.KEEPALIVE_TOO_MANY_PINGS;
        }
        DisconnectCause byMessage = fromTlsMessage(message, side);
        if (byMessage != null) {
            return byMessage;
        }
        if (t instanceof ConnectException || t instanceof SocketTimeoutException) {
            return message.contains("timed out") ? DisconnectCause.CONNECT_TIMEOUT
                    : message.contains("refused") || t instanceof ConnectException
                            ? DisconnectCause.CONNECTION_REFUSED : null;
        }
        if (message.contains("connection reset") || message.contains("broken pipe")) {
            return DisconnectCause.CONNECTION_RESET;
        }
        if (message.contains("unable to resolve host")) {
            return DisconnectCause.NAME_RESOLUTION_FAILED;
        }
        if (message.contains("network closed for unknown reason")) {
            return DisconnectCause.PEER_CLOSED;
        }
        return null;
    }

    /**
     * TLS alerts (JDK {@code received fatal alert: unknown_ca}, BoringSSL
     * {@code TLSV1_ALERT_UNKNOWN_CA}), local verification messages, and the HTTP/2 codec's hex
     * dump of TLS bytes received by a plaintext speaker.
     */
    private static DisconnectCause fromTlsMessage(String m, Side side) {
        if (m.contains("handshake timed out")) {
            return DisconnectCause.TLS_HANDSHAKE_TIMEOUT;
        }
        if (m.contains("unknown_ca") || m.contains("unable to find valid certification path")
                || m.contains("unable_to_get_issuer_cert") || m.contains("no trust anchor")) {
            return DisconnectCause.TLS_UNKNOWN_CA;
        }
        if (m.contains("certificate_required") || m.contains("empty client certificate chain")
                || m.contains("peer_did_not_return_a_certificate")) {
            return DisconnectCause.TLS_CLIENT_CERT_MISSING;
        }
        if (m.contains("certificate_expired") || m.contains("cert_has_expired")) {
            return DisconnectCause.TLS_CERT_EXPIRED;
        }
        if (m.contains("cert_not_yet_valid") || m.contains("not yet valid")) {
            return DisconnectCause.TLS_CERT_NOT_YET_VALID;
        }
        if (m.contains("no subject alternative") || m.contains("no name matching")
                || m.contains("hostname mismatch")) {
            return DisconnectCause.TLS_HOSTNAME_MISMATCH;
        }
        if (m.contains("bad_certificate") || m.contains("certificate_unknown")
                || m.contains("unsupported_certificate") || m.contains("certificate_revoked")) {
            // An alert the peer sent about our certificate.
            return side == Side.CLIENT ? DisconnectCause.TLS_CLIENT_CERT_REFUSED
                    : DisconnectCause.TLS_SERVER_CERT_REFUSED;
        }
        if (m.contains("wrong_version_number") || m.contains("unsupported or unrecognized ssl message")
                || m.contains("not an ssl/tls record")) {
            return plaintextMixUp(side);
        }
        if (m.contains("hex dump") && (m.contains(": 1603") || m.contains(": 1503"))) {
            // A plaintext HTTP/2 codec received a TLS record (a graphagent TLS server answers
            // plaintext with an alert record): the peer speaks TLS and we do not.
            return side == Side.CLIENT ? DisconnectCause.PLAINTEXT_TO_TLS_PORT
                    : DisconnectCause.TLS_TO_PLAINTEXT_PORT;
        }
        if (m.contains("protocol_version") || m.contains("no appropriate protocol")
                || m.contains("unsupported_protocol")) {
            return DisconnectCause.TLS_HANDSHAKE_FAILED;
        }
        return null;
    }

    /** We expected TLS and received something else. */
    private static DisconnectCause plaintextMixUp(Side side) {
        return side == Side.CLIENT ? DisconnectCause.TLS_TO_PLAINTEXT_PORT
                : DisconnectCause.PLAINTEXT_TO_TLS_PORT;
    }

    private static DisconnectCause fromReason(CertPathValidatorException.Reason reason) {
        if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
            return DisconnectCause.TLS_CERT_EXPIRED;
        }
        if (reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return DisconnectCause.TLS_CERT_NOT_YET_VALID;
        }
        if (reason == PKIXReason.NO_TRUST_ANCHOR
                || reason == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
            return DisconnectCause.TLS_UNKNOWN_CA;
        }
        if (reason == PKIXReason.PATH_TOO_LONG || reason == PKIXReason.NAME_CHAINING) {
            return DisconnectCause.TLS_CHAIN_INCOMPLETE;
        }
        return null;
    }

    /**
     * Whether the server reset the call mid-way ({@code CANCELLED: RST_STREAM closed stream.
     * HTTP/2 error code: CANCEL}): what a client sees when the server shuts down under its call
     * (a coordinator stepping down, or stopping). A call the client cancelled itself says
     * {@code Call cancelled} or {@code Context cancelled} instead and stays {@code stream_broken}.
     */
    static boolean cutByPeer(Status status) {
        String d = status.getDescription();
        return status.getCode() == Status.Code.CANCELLED && d != null && d.contains("RST_STREAM");
    }

    private static Status statusOf(Throwable t) {
        if (t instanceof StatusRuntimeException e) {
            return e.getStatus();
        }
        if (t instanceof StatusException e) {
            return e.getStatus();
        }
        return null;
    }

    private static DisconnectCause fromStatusCode(Status.Code code) {
        return switch (code) {
            case DEADLINE_EXCEEDED -> DisconnectCause.DEADLINE_EXCEEDED;
            case UNAVAILABLE, CANCELLED, INTERNAL, UNKNOWN, ABORTED -> DisconnectCause.STREAM_BROKEN;
            case UNAUTHENTICATED, PERMISSION_DENIED -> DisconnectCause.IDENTITY_REFUSED;
            default -> null;
        };
    }
}
