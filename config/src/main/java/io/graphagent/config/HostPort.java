package io.graphagent.config;

import java.util.Locale;
import java.util.Objects;

/**
 * A network address as {@code host:port}; IPv6 literals in brackets ({@code [::1]:7400}).
 * Port 0 in a listen address means "any free port". Parsing checks the syntax; whether
 * the port is in range for its use is a {@link ConfigCheck} rule, so every problem of a
 * file is reported at once.
 *
 * @param host a name or an IP literal (without brackets)
 * @param port the TCP port
 */
public record HostPort(String host, int port) {

    /** The accepted form, for error messages. */
    public static final String EXPECTED = "host:port, e.g. 127.0.0.1:7400, coordinator.example.org:7400 or [::1]:7400";

    public HostPort {
        Objects.requireNonNull(host, "host");
    }

    /**
     * Parses {@code host:port}.
     *
     * @throws IllegalArgumentException naming what is missing and the accepted form
     */
    public static HostPort parse(String text) {
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + s + "' is not an address; expected " + EXPECTED);
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("'" + s + "' has no port; expected " + EXPECTED);
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.contains(":")) {
                throw new IllegalArgumentException("'" + s + "' looks like an IPv6 address: put it in brackets, e.g. [::1]:7400");
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + s + "' has no host; expected " + EXPECTED
                    + " (0.0.0.0 listens on every interface)");
        }
        if (!port.matches("\\d{1,9}")) {
            throw new IllegalArgumentException("'" + s + "' has no numeric port; expected " + EXPECTED);
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    /** True for an address of this machine only: localhost, 127.0.0.0/8, ::1. */
    public boolean isLoopback() {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
    }

    /** True for an address that listens on every interface: 0.0.0.0 or ::. */
    public boolean isWildcard() {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("*");
    }

    /** {@code host:port}, with brackets around an IPv6 literal. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
