package io.graphagent.net.tls;

import io.graphagent.net.cause.DisconnectCause;
import java.nio.file.Path;

/**
 * One thing wrong with a node's TLS files, as a one-line message that names the file and the
 * fix. Immutable.
 *
 * @param kind    what is wrong
 * @param file    the file at fault
 * @param message the one-line explanation, file and fix included
 */
public record TlsProblem(Kind kind, Path file, String message) {

    /** What can be wrong with TLS files, each with the handshake failure it leads to. */
    public enum Kind {
        MISSING(DisconnectCause.TLS_FILES_UNUSABLE),
        UNREADABLE(DisconnectCause.TLS_FILES_UNUSABLE),
        NOT_PEM(DisconnectCause.TLS_FILES_UNUSABLE),
        KEY_MISMATCH(DisconnectCause.TLS_FILES_UNUSABLE),
        CHAIN_OUT_OF_ORDER(DisconnectCause.TLS_CHAIN_INCOMPLETE),
        CHAIN_INCOMPLETE(DisconnectCause.TLS_CHAIN_INCOMPLETE),
        NOT_SIGNED_BY_CA(DisconnectCause.TLS_UNKNOWN_CA),
        EXPIRED(DisconnectCause.TLS_CERT_EXPIRED),
        NOT_YET_VALID(DisconnectCause.TLS_CERT_NOT_YET_VALID);

        private final DisconnectCause cause;

        Kind(DisconnectCause cause) {
            this.cause = cause;
        }

        /** The cause a handshake with such files fails with, for logs, metrics and doctor. */
        public DisconnectCause cause() {
            return cause;
        }
    }

    /** The cause a handshake with such files fails with. */
    public DisconnectCause cause() {
        return kind.cause();
    }

    @Override
    public String toString() {
        return message;
    }
}
