package io.graphagent.ops.doctor;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.TlsFiles;
import io.graphagent.protocol.ProtocolVersion;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What doctor checks and how. Immutable.
 *
 * @param coordinator   the address to diagnose
 * @param tls           our TLS files; empty for {@code --insecure}
 * @param config        the local configuration (timing, message size, work and checkpoint dirs)
 * @param configGiven   whether {@code config} came from a file; without one there is no local
 *                      timing to compare with the coordinator's
 * @param clock         our wall clock, for clock skew and certificate validity; injected by tests
 * @param connectTimeout deadline of each TCP connect: past it the packets count as dropped
 * @param handshakeTimeout deadline of the TLS handshake
 * @param callDeadline  deadline of each gRPC call and of the Hello answer
 * @param protocolMin   lowest protocol version offered in Hello (ours unless a test pretends otherwise)
 * @param protocolMax   highest protocol version offered in Hello
 * @param procDir       where /proc is (tests point it at fixtures)
 * @param idleWait      how long the idle-connection check holds a quiet connection; zero leaves the check out
 */
public record DoctorOptions(HostAndPort coordinator, Optional<TlsFiles> tls, GraphagentConfig config,
                            boolean configGiven, Clock clock, Duration connectTimeout, Duration handshakeTimeout,
                            Duration callDeadline, int protocolMin, int protocolMax, Path procDir, Duration idleWait) {

    /** TCP connect deadline: longer than any LAN or WAN round trip, short enough for a person waiting. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** Deadline of each gRPC call doctor makes. */
    public static final Duration CALL_DEADLINE = Duration.ofSeconds(10);

    public DoctorOptions {
        Objects.requireNonNull(coordinator, "coordinator");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(callDeadline, "callDeadline");
        Objects.requireNonNull(procDir, "procDir");
        Objects.requireNonNull(idleWait, "idleWait");
    }

    /** Options without the idle-connection check. */
    public DoctorOptions(HostAndPort coordinator, Optional<TlsFiles> tls, GraphagentConfig config, boolean configGiven,
            Clock clock, Duration connectTimeout, Duration handshakeTimeout, Duration callDeadline, int protocolMin,
            int protocolMax, Path procDir) {
        this(coordinator, tls, config, configGiven, clock, connectTimeout, handshakeTimeout, callDeadline, protocolMin,
                protocolMax, procDir, Duration.ZERO);
    }

    /** Defaults: our protocol range, the system clock, /proc, the config's handshake timeout. */
    public static DoctorOptions of(HostAndPort coordinator, Optional<TlsFiles> tls, GraphagentConfig config,
            boolean configGiven) {
        return new DoctorOptions(coordinator, tls, config, configGiven, Clock.systemUTC(), CONNECT_TIMEOUT,
                config.tls().handshakeTimeout(), CALL_DEADLINE, ProtocolVersion.MIN, ProtocolVersion.MAX, Path.of("/proc"));
    }

    public DoctorOptions withClock(Clock newClock) {
        return new DoctorOptions(coordinator, tls, config, configGiven, newClock, connectTimeout, handshakeTimeout,
                callDeadline, protocolMin, protocolMax, procDir, idleWait);
    }

    public DoctorOptions withProtocolRange(int min, int max) {
        return new DoctorOptions(coordinator, tls, config, configGiven, clock, connectTimeout, handshakeTimeout,
                callDeadline, min, max, procDir, idleWait);
    }

    /** The same options with another TCP connect deadline (past it, the packets count as dropped). */
    public DoctorOptions withConnectTimeout(Duration timeout) {
        return new DoctorOptions(coordinator, tls, config, configGiven, clock, timeout, handshakeTimeout,
                callDeadline, protocolMin, protocolMax, procDir, idleWait);
    }

    public DoctorOptions withProcDir(Path dir) {
        return new DoctorOptions(coordinator, tls, config, configGiven, clock, connectTimeout, handshakeTimeout,
                callDeadline, protocolMin, protocolMax, dir, idleWait);
    }

    /** The same options holding a quiet connection for {@code wait} (zero: no idle-connection check). */
    public DoctorOptions withIdleWait(Duration wait) {
        return new DoctorOptions(coordinator, tls, config, configGiven, clock, connectTimeout, handshakeTimeout,
                callDeadline, protocolMin, protocolMax, procDir, wait);
    }
}
