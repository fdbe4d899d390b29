package io.graphagent.coordinator.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreePortsTest {

    @TempDir
    Path dir;

    @Test
    void portsArePickedBelowTheEphemeralRangeDistinctAndFree() throws IOException {
        int ephemeralLow = FreePorts.ephemeralLow(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
        List<Integer> ports = FreePorts.pick(6);
        assertThat(ports).hasSize(6).doesNotHaveDuplicates()
                .allSatisfy(p -> assertThat(p).isGreaterThanOrEqualTo(FreePorts.LOWEST).isLessThan(ephemeralLow));
        for (int port : ports) {
            try (ServerSocket bound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(bound.getLocalPort()).isEqualTo(port);
            }
        }
        assertThat(FreePorts.pick(6)).as("the next pick looks further on").doesNotContainAnyElementsOf(ports);
    }

    @Test
    void aPortAListenerHoldsIsSkippedAndTheSearchWrapsAround() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            // A range of three ports whose first is taken, searched from its last: last, (wrap) skip the taken, middle.
            List<Integer> picked = FreePorts.pick(2, port, port + 3, 2);
            assertThat(picked).containsExactly(port + 2, port + 1);
            assertThatThrownBy(() -> FreePorts.pick(3, port, port + 3, 0)).isInstanceOf(IOException.class)
                    .hasMessageContaining("only 2 of 3 ports free on 127.0.0.1 in " + port + "-" + (port + 2));
        }
    }

    @Test
    void theEphemeralRangeIsReadFromItsFileOrLinuxsDefault() throws IOException {
        Path range = dir.resolve("ip_local_port_range");
        Files.writeString(range, "40000\t60999\n");
        assertThat(FreePorts.ephemeralLow(range)).isEqualTo(40000);
        assertThat(FreePorts.ephemeralLow(dir.resolve("missing"))).isEqualTo(32768);
    }
}
