package io.graphagent.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Section {@code network}: facts about the network between the processes that graphagent
 * cannot discover itself.
 *
 * @param proxyIdleTimeout the idle timeout of a proxy, load balancer or NAT on the path
 *     when there is one (an AWS Network Load Balancer cuts idle TCP flows after 350s, many
 *     HTTP proxies after 60s). A
 *     connection idle longer is cut silently; {@code config check} then requires the
 *     heartbeat interval and the gRPC keepalive time to be shorter. Empty: no such device.
 */
public record NetworkConfig(Optional<Duration> proxyIdleTimeout) {

    public NetworkConfig {
        Objects.requireNonNull(proxyIdleTimeout, "proxyIdleTimeout");
    }
}
