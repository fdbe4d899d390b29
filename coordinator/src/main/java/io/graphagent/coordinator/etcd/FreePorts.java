package io.graphagent.coordinator.etcd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * Free TCP ports on 127.0.0.1 for processes that must be told their port before they start
 * (etcd members, the coordinators of a local etcd cluster). Picked below the kernel's ephemeral
 * range ({@code net.ipv4.ip_local_port_range}): the kernel gives every outgoing connection's
 * local port from that range, so a port picked there (as a port-0 bind does) can be taken by
 * any process's connection in the second the child takes to start and bind it ("cannot listen
 * on 127.0.0.1:43507", a suite run of 2026-12-07). Below it, only another listener can take
 * one. Each port is bound to check that it is free, and all are held until every one is picked;
 * the search starts at a place set by the process id and moves on with each pick, so that
 * processes picking at once, and the clusters one process starts one after the other, look in
 * different places. Falls back to port-0 picks where the range below is too small. Thread-safe.
 */
public final class FreePorts {
    /** The lowest port picked: above the well-known and most registered services' ports. */
    static final int LOWEST = 10_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Linux's default ephemeral range starts here, when the range cannot be read. */
    private static final int LINUX_EPHEMERAL_LOW = 32_768;

    private static final AtomicInteger NEXT = new AtomicInteger(
            (int) Math.floorMod(ProcessHandle.current().pid() * 7_919L, 1_000_000L));

    private FreePorts() {
    }

    /** {@code count} distinct free ports on 127.0.0.1, below the ephemeral range. */
    public static List<Integer> pick(int count) throws IOException {
        int high = ephemeralLow(EPHEMERAL_RANGE);
        if (high - LOWEST < 16 * count) {
            // No room below the range: ports the kernel picks (port 0), the race and all.
            return hold(count, count, i -> 0, "in the ephemeral range");
        }
        return pick(count, LOWEST, high, NEXT.getAndAdd(count));
    }

    /**
     * {@code count} distinct ports in [{@code low}, {@code high}) free on 127.0.0.1, looked for
     * from {@code low + start mod (high - low)} on, wrapping around.
     *
     * @throws IOException when fewer than {@code count} are free in the whole range
     */
    static List<Integer> pick(int count, int low, int high, int start) throws IOException {
        int span = high - low;
        return hold(count, span, i -> low + Math.floorMod(start + i, span), "in " + low + "-" + (high - 1));
    }

    /**
     * Binds the ports {@code portAt(0)}, {@code portAt(1)}, ... (at most {@code tries}) until
     * {@code count} are bound, skipping those a listener holds; returns them, all closed again.
     */
    private static List<Integer> hold(int count, int tries, IntUnaryOperator portAt, String where) throws IOException {
        List<ServerSocket> held = new ArrayList<>(count);
        try {
            for (int i = 0; i < tries && held.size() < count; i++) {
                try {
                    held.add(new ServerSocket(portAt.applyAsInt(i), 1, InetAddress.getLoopbackAddress()));
                } catch (IOException inUse) {
                    // Taken by a listener: the next one.
                }
            }
            if (held.size() < count) {
                throw new IOException("only " + held.size() + " of " + count + " ports free on 127.0.0.1 " + where
                        + ". Fix: stop the processes that hold them");
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    /** The first port of the ephemeral range that {@code file} states ("LOW HIGH"), or Linux's default. */
    static int ephemeralLow(Path file) {
        try {
            // By lines: a /proc file reports size 0, and Files.readString returned its first byte only.
            return Integer.parseInt(Files.readAllLines(file, StandardCharsets.US_ASCII).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return LINUX_EPHEMERAL_LOW;
        }
    }
}
