package io.graphagent.ops.http;

import java.time.Duration;

/**
 * The limits that keep the admin HTTP server answering {@code /healthz} while clients misbehave
 * (connections left idle after one header, bytes dripped, floods of connections). Each trades
 * a little slack for an honest but slow client against how many resources a hostile one can
 * hold. The server is Jetty: it reads requests on a selector, so a connection that sends
 * nothing holds no thread, only a connection slot.
 */
final class AdminLimits {
    /**
     * Read deadline: a connection that sends nothing for this long (mid-request or between
     * requests) is closed. The dashboard polls every second, so its connection stays open.
     */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(5);
    /** The read deadline once {@link #MAX_CONNECTIONS} are open: idle ones make room quickly. */
    static final Duration IDLE_TIMEOUT_AT_LIMIT = Duration.ofMillis(500);
    /**
     * Connections open at once; past it the server stops accepting (new ones wait in the
     * kernel's accept queue) until one closes. Scrapers, a few dashboards and the CLI need a
     * handful.
     */
    static final int MAX_CONNECTIONS = 64;
    /**
     * The listening socket's accept queue (backlog), above {@link #MAX_CONNECTIONS}: connections
     * past the limit wait there until one closes. The JDK's default backlog, 50, is below the
     * limit: a burst arriving faster than the acceptor takes it (a busy machine) could have its
     * SYNs dropped, its clients then waiting for the kernel's retransmits (1, 3, 7 s...). A
     * suspected cause of one 10 s timeout of {@code /healthz} behind 80 silent clients in a suite
     * run (AdminServerLimitsTest), not reproduced. The kernel caps it at {@code net.core.somaxconn}.
     */
    static final int ACCEPT_QUEUE = 256;
    /**
     * Threads of the bounded pool: the acceptor, the selector and the request handlers. Work
     * waiting for a thread is bounded by the connections, at most one request in flight each.
     */
    static final int MAX_THREADS = 8;
    static final int MIN_THREADS = 3;
    /** Largest request line plus headers, bytes (431 beyond). */
    static final int MAX_HEADER_BYTES = 8 * 1024;
    /** Largest request body, bytes: a log level is a few bytes of JSON (413 beyond). */
    static final int MAX_BODY_BYTES = 4 * 1024;
    /** A body that arrives slower than this (bytes per second) is abandoned. */
    static final long MIN_REQUEST_BYTES_PER_SECOND = 1024;

    private AdminLimits() {
    }
}
