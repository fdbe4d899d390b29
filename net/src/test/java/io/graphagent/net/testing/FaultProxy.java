package io.graphagent.net.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy for fault tests: listens on 127.0.0.1 (a free port), forwards every connection to
 * one target, and does to the bytes what its current {@link Mode} says. The mode can change at
 * any time and applies at once to live connections as well as new ones:
 *
 * <ul>
 *   <li>{@link Pass}: forwards as it reads.
 *   <li>{@link BlackHole}: a network partition. Connections are accepted and kept, nothing is
 *       read or written in either direction and no reset is sent, so the peers see silence (TCP
 *       buffers fill and stall). A connection accepted now is dialled to the target only once
 *       the mode forwards again. Bytes read before the mode changed are held, not dropped.
 *   <li>{@link Latency}: each chunk read is written {@code base} plus a uniform random share of
 *       {@code jitter} later, in each direction, never overtaking an earlier chunk.
 *   <li>{@link ResetEvery}: forwards like Pass, and every {@code period} aborts every live
 *       connection with a TCP RST on both sides ({@code SO_LINGER} 0, then close).
 * </ul>
 *
 * <p>Each connection has four named daemon threads (a reader and a writer per direction); a
 * read or write failure on either side aborts the whole connection with RST on both sides, an
 * end of stream is passed on as a half-close. Thread-safe; {@link #close()} stops everything.
 */
public final class FaultProxy implements AutoCloseable {

    /** What the proxy does to the bytes. */
    public sealed interface Mode permits Pass, BlackHole, Latency, ResetEvery, CutAfter {
    }

    /** Forward as read. */
    public record Pass() implements Mode {
    }

    /** Forward nothing, reset nothing: a silent partition. */
    public record BlackHole() implements Mode {
    }

    /** Delay every chunk by {@code base} plus up to {@code jitter} (uniform), keeping order. */
    public record Latency(Duration base, Duration jitter) implements Mode {
        public Latency {
            if (base.isNegative() || jitter.isNegative()) {
                throw new IllegalArgumentException("latency and jitter must not be negative");
            }
        }
    }

    /** Forward as read, and abort every live connection with RST every {@code period}. */
    public record ResetEvery(Duration period) implements Mode {
        public ResetEvery {
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("reset period must be positive");
            }
        }
    }

    /**
     * Forward as read until a connection has carried more than {@code bytes} from the client to
     * the target, then abort it with RST: a middlebox with a per-connection budget (a proxy's body
     * limit), which breaks the first large message and lets small ones through.
     */
    public record CutAfter(long bytes) implements Mode {
        public CutAfter {
            if (bytes <= 0) {
                throw new IllegalArgumentException("the byte budget must be positive");
            }
        }
    }

    public static final Mode PASS = new Pass();
    public static final Mode BLACK_HOLE = new BlackHole();

    /** How long dialling the target may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final int CHUNK = 64 * 1024;

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final String name;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object modeLock = new Object();
    /** Guarded by modeLock (written), read anywhere. */
    private volatile Mode mode = PASS;
    /** Bumped at every mode change; the reset ticker of an older generation stops. */
    private volatile long generation;

    private FaultProxy(String name, InetSocketAddress target, ServerSocket server) {
        this.name = name;
        this.target = target;
        this.server = server;
    }

    /**
     * Starts a proxy in {@link Pass} mode on 127.0.0.1 and a free port, forwarding to
     * {@code target}; {@code name} goes into its thread names.
     */
    public static FaultProxy start(String name, InetSocketAddress target) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        FaultProxy proxy = new FaultProxy(name, Objects.requireNonNull(target, "target"), server);
        thread("fault-proxy-" + name + "-accept", proxy::acceptLoop).start();
        return proxy;
    }

    /** The address clients dial. */
    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The current mode. */
    public Mode mode() {
        return mode;
    }

    /** Switches the mode for live and new connections. */
    public void mode(Mode next) {
        Objects.requireNonNull(next, "mode");
        long gen;
        synchronized (modeLock) {
            mode = next;
            gen = ++generation;
            modeLock.notifyAll();
        }
        if (next instanceof ResetEvery every) {
            thread("fault-proxy-" + name + "-reset", () -> resetLoop(gen, every.period())).start();
        }
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections aborted by {@link ResetEvery} so far. */
    public int resets() {
        return resets.get();
    }

    /** Connections open now. */
    public int open() {
        return links.size();
    }

    /** Stops accepting and aborts every connection (RST). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            synchronized (modeLock) {
                generation++;
                modeLock.notifyAll();
            }
            closeQuietly(server);
            links.forEach(Link::abort);
        }
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            Link link = new Link(client, accepted.get());
            links.add(link);
            thread("fault-proxy-" + name + "-dial-" + link.id, link::dial).start();
        }
    }

    private void resetLoop(long gen, Duration period) {
        long next = System.nanoTime() + period.toNanos();
        while (generation == gen && !closed.get()) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            next += period.toNanos();
            for (Link link : links) {
                if (link.abort()) {
                    resets.incrementAndGet();
                }
            }
        }
    }

    /** Blocks while the mode is a black hole; false once the proxy is closed. */
    private boolean awaitForwarding() {
        synchronized (modeLock) {
            while (mode instanceof BlackHole && !closed.get()) {
                try {
                    modeLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return !closed.get();
        }
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // Closing is all that is left to do.
        }
    }

    /** One proxied connection: the client's socket, the target's, and a pump each way. */
    private final class Link {
        final int id;
        final Socket client;
        final AtomicBoolean aborted = new AtomicBoolean();
        final AtomicInteger halfClosed = new AtomicInteger();
        volatile Socket upstream;

        Link(Socket client, int id) {
            this.client = client;
            this.id = id;
        }

        void dial() {
            if (!awaitForwarding()) {
                abort();
                return;
            }
            Socket up = new Socket();
            try {
                up.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                up.connect(target, (int) CONNECT_TIMEOUT.toMillis());
            } catch (IOException e) {
                closeQuietly(up);
                abort();
                return;
            }
            upstream = up;
            if (aborted.get()) {
                abort();
                return;
            }
            new Pump(this, client, up, "up").start();
            new Pump(this, up, client, "down").start();
        }

        /** Aborts with RST on both sides; true if this call did it. */
        boolean abort() {
            if (!aborted.compareAndSet(false, true)) {
                return false;
            }
            links.remove(this);
            rst(client);
            Socket up = upstream;
            if (up != null) {
                rst(up);
            }
            return true;
        }

        /** One direction reached end of stream; the link is done when both have. */
        void endOfStream() {
            if (halfClosed.incrementAndGet() == 2 && aborted.compareAndSet(false, true)) {
                links.remove(this);
                closeQuietly(client);
                closeQuietly(upstream);
            }
        }

        private static void rst(Socket socket) {
            try {
                socket.setSoLinger(true, 0);
            } catch (IOException e) {
                // Already closed: nothing to reset.
            }
            closeQuietly(socket);
        }
    }

    /** A chunk read, with the System.nanoTime() at which it may be written; empty data marks end of stream. */
    private record Chunk(byte[] data, int length, long dueNanos) {
    }

    /** One direction of a link: a reader applying the mode and a writer honouring due times. */
    private final class Pump {
        private final Link link;
        private final Socket from;
        private final Socket to;
        private final String direction;
        private final BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        private final SplittableRandom random = new SplittableRandom();
        private long lastDue;
        /** Bytes read from {@code from} so far. */
        private long forwarded;

        Pump(Link link, Socket from, Socket to, String direction) {
            this.link = link;
            this.from = from;
            this.to = to;
            this.direction = direction;
        }

        void start() {
            String prefix = "fault-proxy-" + name + "-" + link.id + "-" + direction;
            thread(prefix + "-read", this::readLoop).start();
            thread(prefix + "-write", this::writeLoop).start();
        }

        private void readLoop() {
            try {
                InputStream in = from.getInputStream();
                while (!link.aborted.get()) {
                    if (!awaitForwarding()) {
                        break;
                    }
                    byte[] buffer = new byte[CHUNK];
                    int n = in.read(buffer);
                    if (n < 0) {
                        queue.add(new Chunk(new byte[0], -1, due()));
                        return;
                    }
                    forwarded += n;
                    if (mode instanceof CutAfter cut && direction.equals("up") && forwarded > cut.bytes()) {
                        if (link.abort()) {
                            resets.incrementAndGet();
                        }
                        return;
                    }
                    queue.add(new Chunk(buffer, n, due()));
                }
            } catch (IOException e) {
                link.abort();
            }
            queue.add(new Chunk(new byte[0], -1, System.nanoTime()));
        }

        /** When a chunk read now may go out: now, or later under Latency, never before the previous one. */
        private long due() {
            long now = System.nanoTime();
            long due = now;
            if (mode instanceof Latency latency) {
                long jitter = latency.jitter().toNanos();
                due = now + latency.base().toNanos() + (jitter > 0 ? random.nextLong(jitter + 1) : 0);
            }
            lastDue = Math.max(lastDue, due);
            return lastDue;
        }

        private void writeLoop() {
            try {
                OutputStream out = to.getOutputStream();
                while (!link.aborted.get()) {
                    Chunk chunk = queue.poll(1, TimeUnit.SECONDS);
                    if (chunk == null) {
                        continue;
                    }
                    for (long wait = chunk.dueNanos() - System.nanoTime(); wait > 0; wait = chunk.dueNanos() - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    if (!awaitForwarding() || link.aborted.get()) {
                        return;
                    }
                    if (chunk.length() < 0) {
                        to.shutdownOutput();
                        link.endOfStream();
                        return;
                    }
                    out.write(chunk.data(), 0, chunk.length());
                    out.flush();
                }
            } catch (IOException e) {
                link.abort();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                link.abort();
            }
        }
    }
}
