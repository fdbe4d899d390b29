package io.graphagent.net.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A port on 127.0.0.1 that stays open for the whole test JVM (nothing accepts on it; the kernel
 * completes the connects), standing for the data port of a live agent process in tests whose
 * agents have no data plane: the coordinator's exit probe then takes a broken stream for a
 * network fault, as it should, and not for a process that exited.
 */
public final class LiveDataPort {

    private static final ServerSocket SOCKET = open();

    private LiveDataPort() {
    }

    private static ServerSocket open() {
        try {
            return new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 127.0.0.1:PORT} of the open port. */
    public static String address() {
        return "127.0.0.1:" + SOCKET.getLocalPort();
    }
}
