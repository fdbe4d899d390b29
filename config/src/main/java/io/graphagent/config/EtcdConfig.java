package io.graphagent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Section {@code coordinator.etcd}: the etcd cluster that holds the control plane when
 * {@code coordinator.store} is {@code etcd}; agents and clients given {@code --etcd} read
 * the leader's address from it too.
 *
 * @param endpoints client URLs of the etcd members, e.g. {@code https://10.0.0.1:2379};
 *     list every member, so the client fails over when one is down.
 * @param ca CA certificate that signed the etcd members' certificates (PEM).
 * @param cert this process's client certificate for etcd (PEM).
 * @param key the private key of {@code cert} (PKCS#8 PEM).
 * @param insecure allow {@code http://} endpoints: the control plane's traffic (job records,
 *     session ids) goes in clear and anyone who reaches etcd can take the leadership. Only
 *     for one trusted machine; logged as a warning at start and shown in {@code status}.
 * @param electionTtl the leader's etcd lease: a leader that stops renewing it (killed,
 *     paused, cut off) is replaced once it runs out. Shorter fails over sooner; longer
 *     survives longer etcd or network hiccups without a needless change of leader. Whole
 *     seconds, at least {@value #MIN_ELECTION_TTL_SECONDS} s (etcd's shortest lease), and no
 *     longer than {@code session.lease-ttl}.
 */
public record EtcdConfig(List<String> endpoints, Optional<Path> ca, Optional<Path> cert, Optional<Path> key,
                         boolean insecure, Duration electionTtl) {

    /**
     * etcd grants no lease shorter than 1.5 x its election timeout (1 s by default), rounded
     * up to whole seconds: 2 s.
     */
    public static final int MIN_ELECTION_TTL_SECONDS = 2;

    /** The accepted form of an endpoint list, for error messages. */
    public static final String EXPECTED = "etcd client URLs separated by commas, e.g. "
            + "https://10.0.0.1:2379,https://10.0.0.2:2379,https://10.0.0.3:2379";

    public EtcdConfig {
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(electionTtl, "electionTtl");
    }

    /** No endpoints, TLS, the given election TTL. */
    public static EtcdConfig none(Duration electionTtl) {
        return new EtcdConfig(List.of(), Optional.empty(), Optional.empty(), Optional.empty(), false, electionTtl);
    }

    /** A copy with these endpoints. */
    public EtcdConfig withEndpoints(List<String> urls) {
        return new EtcdConfig(urls, ca, cert, key, insecure, electionTtl);
    }

    /** Whether any endpoint is plaintext ({@code http://}). */
    public boolean plaintext() {
        return endpoints.stream().anyMatch(e -> e.toLowerCase(Locale.ROOT).startsWith("http://"));
    }

    /**
     * Parses a comma-separated list of {@code http(s)://host:port} URLs.
     *
     * @throws IllegalArgumentException naming the first bad entry and the accepted form
     */
    public static List<String> parseEndpoints(String text) {
        List<String> urls = new ArrayList<>();
        for (String part : text.split(",")) {
            String url = part.trim();
            if (url.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("'" + url + "' is not a URL; expected " + EXPECTED);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("'" + url + "' is not an http:// or https:// URL; expected " + EXPECTED);
            }
            if (uri.getHost() == null || uri.getPort() < 1) {
                throw new IllegalArgumentException("'" + url + "' has no host and port; expected " + EXPECTED);
            }
            urls.add(url);
        }
        return List.copyOf(urls);
    }
}
