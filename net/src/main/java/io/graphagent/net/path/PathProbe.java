package io.graphagent.net.path;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The path probe: a request of a chosen size, answered by a reply of a chosen size, sent as the
 * first bytes of a fresh TCP connection to any graphagent port (coordinator or agent data
 * plane, TLS or not). Every graphagent server answers it before TLS, without counting it as a
 * failed handshake (see {@code ServerHandshakeObserver}). Sent in one write with
 * {@code TCP_NODELAY}, a request up to the MSS travels as one TCP segment, so a request of
 * 8 KiB that gets no answer while one of 64 bytes does says that large packets toward the
 * server are lost; a large reply tests the way back the same way.
 *
 * <p>Wire format (all integers big-endian): the request is {@link #MAGIC} (7 bytes), the
 * version byte {@value #VERSION}, the request's total length and the reply length asked for
 * (4 bytes each), then zero padding up to the request length; the reply is the same header
 * (echoing both lengths) padded to the reply length, after which the server closes. Both
 * lengths lie in [{@value #HEADER_BYTES}, {@value #MAX_BYTES}]. Stateless and thread-safe.
 */
public final class PathProbe {
    /** First bytes of a probe; 'G' is no TLS record type and starts no HTTP/2 preface. */
    public static final byte[] MAGIC = "GAPROBE".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 16;
    /** Largest request or reply: beyond any jumbo frame, small enough to be no burden. */
    public static final int MAX_BYTES = 64 * 1024;

    private PathProbe() {
    }

    /** The lengths a probe header announces. */
    public record Header(int requestBytes, int replyBytes) {
        public Header {
            check(requestBytes, "request");
            check(replyBytes, "reply");
        }

        private static void check(int bytes, String what) {
            if (bytes < HEADER_BYTES || bytes > MAX_BYTES) {
                throw new IllegalArgumentException("a probe " + what + " of " + bytes + " bytes is outside ["
                        + HEADER_BYTES + ", " + MAX_BYTES + "]");
            }
        }
    }

    /** Whether {@code first} (at least {@link #MAGIC}'s length of bytes, else a prefix) starts a probe. */
    public static boolean startsProbe(byte[] first, int length) {
        int n = Math.min(length, MAGIC.length);
        return n > 0 && Arrays.equals(first, 0, n, MAGIC, 0, n);
    }

    /** Parses a header (the first {@link #HEADER_BYTES} bytes of a request or a reply). */
    public static Header parse(byte[] header) {
        if (header.length < HEADER_BYTES || !startsProbe(header, MAGIC.length) || header[MAGIC.length] != VERSION) {
            throw new IllegalArgumentException("not a version " + VERSION + " path probe header");
        }
        ByteBuffer b = ByteBuffer.wrap(header, MAGIC.length + 1, 8);
        return new Header(b.getInt(), b.getInt());
    }

    /** The bytes of a request (or, with the lengths swapped in meaning, of a reply) of {@code total} bytes. */
    public static byte[] message(Header header, int total) {
        byte[] bytes = new byte[total];
        System.arraycopy(MAGIC, 0, bytes, 0, MAGIC.length);
        bytes[MAGIC.length] = VERSION;
        ByteBuffer.wrap(bytes, MAGIC.length + 1, 8).putInt(header.requestBytes()).putInt(header.replyBytes());
        return bytes;
    }

    /** What became of one probe. */
    public enum Outcome {
        /** The whole reply came back. */
        ANSWERED,
        /** Connected, but no (complete) reply within the wait: the request or the reply was lost. */
        SILENT,
        /** Something answered that is not a probe reply (not a graphagent port, or an older one). */
        NOT_UNDERSTOOD,
        /** The TCP connect itself failed. */
        CONNECT_FAILED
    }

    /**
     * One probe's result.
     *
     * @param header       the sizes sent and asked for
     * @param outcome      what happened
     * @param took         from the connect to the end of the reply, or to giving up
     * @param connectCause why the connect failed, for {@link Outcome#CONNECT_FAILED}
     * @param detail       the error or what arrived, one line
     */
    public record Exchange(Header header, Outcome outcome, Duration took, Optional<DisconnectCause> connectCause,
                           String detail) {
        public boolean answered() {
            return outcome == Outcome.ANSWERED;
        }
    }

    /**
     * Connects to {@code address} (within {@code connectTimeout}), sends a request of
     * {@code requestBytes} in one write and waits up to {@code wait} for a reply of
     * {@code replyBytes}. Blocks the calling thread at most about connectTimeout + wait.
     */
    public static Exchange exchange(InetSocketAddress address, int requestBytes, int replyBytes, Duration connectTimeout,
            Duration wait) {
        Header header = new Header(requestBytes, replyBytes);
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            try {
                socket.connect(address, (int) Math.max(1, connectTimeout.toMillis()));
            } catch (SocketTimeoutException e) {
                return new Exchange(header, Outcome.CONNECT_FAILED, since(start), Optional.of(DisconnectCause.CONNECT_TIMEOUT),
                        "no answer to the TCP connect within " + connectTimeout.toMillis() + " ms");
            } catch (IOException e) {
                FailureClassifier.Classification c = FailureClassifier.explain(e, FailureClassifier.Side.CLIENT);
                return new Exchange(header, Outcome.CONNECT_FAILED, since(start), Optional.of(c.cause()), c.detail());
            }
            socket.setTcpNoDelay(true);
            long deadline = System.nanoTime() + wait.toNanos();
            socket.getOutputStream().write(message(header, requestBytes));
            socket.getOutputStream().flush();
            byte[] reply = new byte[replyBytes];
            int got = readUntil(socket, reply, 0, HTTP2_FRAME_HEADER, deadline);
            // A plaintext HTTP/2 server speaks first: its connection frames (SETTINGS, WINDOW_UPDATE) precede the reply.
            while (got == HTTP2_FRAME_HEADER && isConnectionFrame(reply)) {
                int skip = ((reply[0] & 0xff) << 16) | ((reply[1] & 0xff) << 8) | (reply[2] & 0xff);
                if (readUntil(socket, new byte[skip], 0, skip, deadline) < skip) {
                    return new Exchange(header, Outcome.SILENT, since(start), Optional.empty(), "received only part of an"
                            + " HTTP/2 frame of the server in " + wait.toMillis() + " ms");
                }
                got = readUntil(socket, reply, 0, HTTP2_FRAME_HEADER, deadline);
            }
            if (got == HTTP2_FRAME_HEADER) {
                int more = readUntil(socket, reply, got, replyBytes, deadline);
                got = more < 0 ? got : more;
            }
            if (got >= HEADER_BYTES && !startsProbe(reply, got)) {
                return new Exchange(header, Outcome.NOT_UNDERSTOOD, since(start), Optional.empty(),
                        "the port answered with something other than a probe reply: " + hex(reply, got));
            }
            if (got < replyBytes) {
                boolean closed = got < 0;
                boolean foreign = got > 0 && !startsProbe(reply, got);
                return new Exchange(header, foreign ? Outcome.NOT_UNDERSTOOD : Outcome.SILENT, since(start), Optional.empty(),
                        "received " + Math.max(0, got) + " of " + replyBytes + " bytes in " + wait.toMillis() + " ms"
                        + (closed ? " (closed by the server)" : "") + (foreign ? ": " + hex(reply, got) : ""));
            }
            return new Exchange(header, Outcome.ANSWERED, since(start), Optional.empty(), "");
        } catch (IOException e) {
            return new Exchange(header, Outcome.SILENT, since(start), Optional.empty(), FailureClassifier.oneLine(e));
        }
    }

    /**
     * Connects and sends nothing: how long until the other end (or something on the path)
     * closes the connection, if it does within {@code wait}. A graphagent server closes a silent
     * connection at its handshake timeout, so keep {@code wait} below it: closed by us first, the
     * connection is a port check to the server (not counted as a failed handshake); a proxy or
     * load balancer whose idle timeout is shorter closes it sooner. Empty when the connect fails
     * or the connection outlives the wait.
     */
    public static Optional<Duration> silence(InetSocketAddress address, Duration connectTimeout, Duration wait) {
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) Math.max(1, connectTimeout.toMillis()));
            long start = System.nanoTime();
            socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
            try {
                socket.getInputStream().read();
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            } catch (IOException e) {
                // Reset rather than closed: cut all the same.
            }
            return Optional.of(since(start));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** An HTTP/2 frame header: length (3), type (1), flags (1), stream (4). */
    private static final int HTTP2_FRAME_HEADER = 9;

    /** An HTTP/2 frame of a known type (0..9) on stream 0, which no probe reply starts like ('G' = 0x47 is no length byte here). */
    private static boolean isConnectionFrame(byte[] b) {
        return !startsProbe(b, MAGIC.length) && b[3] >= 0 && b[3] <= 9 && b[5] == 0 && b[6] == 0 && b[7] == 0 && b[8] == 0;
    }

    /**
     * Reads into {@code into} from {@code from} until {@code until} bytes are there, the stream
     * ends or {@code deadline}; returns how many bytes {@code into} holds (-1 when none came and
     * the stream ended).
     */
    private static int readUntil(Socket socket, byte[] into, int from, int until, long deadline) throws IOException {
        InputStream in = socket.getInputStream();
        int got = from;
        while (got < until) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return got;
            }
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            int n;
            try {
                n = in.read(into, got, until - got);
            } catch (SocketTimeoutException e) {
                return got;
            }
            if (n < 0) {
                return got == 0 ? -1 : got;
            }
            got += n;
        }
        return got;
    }

    /** The first bytes received, in hex, to name what answered instead. */
    private static String hex(byte[] bytes, int length) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(length, 8); i++) {
            hex.append(String.format("%02x", bytes[i]));
        }
        return hex.toString();
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
