package io.graphagent.cli;

import io.graphagent.coordinator.etcd.FreePorts;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The ports of a local cluster on 127.0.0.1, laid out from {@code --port} as the defaults are
 * (coordinator 7400, admin HTTP 7480, query HTTP 7490); {@code --port 0} lets each process
 * pick a free one.
 */
final class LocalPorts {
    /** The admin HTTP port is the gRPC port plus this (7400 -> 7480), as the defaults are. */
    static final int ADMIN_PORT_OFFSET = 80;
    /** A coordinator's query HTTP port is its admin port plus this (7480 -> 7490). */
    static final int QUERY_HTTP_OFFSET = 10;

    private LocalPorts() {
    }

    /** The admin HTTP port for coordinator port {@code port}: 0 (pick one) when it is 0 or would pass 65535. */
    static int adminPort(int port) {
        return port == 0 || port + ADMIN_PORT_OFFSET > 65535 ? 0 : port + ADMIN_PORT_OFFSET;
    }

    /** The query HTTP port beside admin port {@code adminPort} (0 stays 0). */
    static int queryHttpPort(int adminPort) {
        return adminPort == 0 ? 0 : adminPort + QUERY_HTTP_OFFSET;
    }

    /**
     * The ports of {@code count} coordinators of the etcd store: from {@code first} on, one
     * after the other, or free ones when {@code first} is 0.
     */
    static List<Integer> coordinatorPorts(int first, int count) throws IOException {
        return first == 0 ? FreePorts.pick(count) : IntStream.range(0, count).mapToObj(i -> first + i).toList();
    }

    /**
     * Refuses a port already in use on 127.0.0.1, naming the {@code option} that chose it and
     * the fix; 0 (any free port) passes.
     */
    static void requireFree(int port, String option) throws IOException {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            socket.setReuseAddress(true);
        } catch (BindException e) {
            throw new BadInputException("port " + port + " on 127.0.0.1 is in use (another coordinator, or a 'graphagent local' "
                    + "with another state directory?)", "stop that process, or pass " + option.split(" ")[0]
                    + " N with another port (0 picks free ones)");
        }
    }
}
