package io.graphagent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void parsesNamesIpv4AndBracketedIpv6() {
        assertThat(HostPort.parse("127.0.0.1:7400")).isEqualTo(new HostPort("127.0.0.1", 7400));
        assertThat(HostPort.parse("coord.example.org:7400")).isEqualTo(new HostPort("coord.example.org", 7400));
        assertThat(HostPort.parse("[::1]:7400")).isEqualTo(new HostPort("::1", 7400));
        assertThat(new HostPort("::1", 7400)).hasToString("[::1]:7400");
    }

    @Test
    void missingPortOrHostIsRefused() {
        assertThatThrownBy(() -> HostPort.parse("localhost")).hasMessageContaining("has no port");
        assertThatThrownBy(() -> HostPort.parse(":7400")).hasMessageContaining("has no host");
        assertThatThrownBy(() -> HostPort.parse("host:http")).hasMessageContaining("no numeric port");
        assertThatThrownBy(() -> HostPort.parse("::1:7400")).hasMessageContaining("brackets");
    }

    @Test
    void knowsLoopbackAndWildcard() {
        assertThat(HostPort.parse("localhost:1").isLoopback()).isTrue();
        assertThat(HostPort.parse("127.0.0.2:1").isLoopback()).isTrue();
        assertThat(HostPort.parse("10.0.0.1:1").isLoopback()).isFalse();
        assertThat(HostPort.parse("0.0.0.0:1").isWildcard()).isTrue();
    }
}
