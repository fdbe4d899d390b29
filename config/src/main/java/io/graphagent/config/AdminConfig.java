package io.graphagent.config;

import java.util.Objects;

/**
 * Section {@code admin}: access to the coordinator's admin HTTP API.
 *
 * @param token bearer token the admin API requires for changes (log levels, JSON API).
 *     Empty: no token; {@code config check} then refuses an admin listen address off
 *     loopback. Prefer the environment ({@code GRAPHAGENT_ADMIN_TOKEN}) to the file, so the
 *     secret stays out of version control.
 */
public record AdminConfig(String token) {

    public AdminConfig {
        Objects.requireNonNull(token, "token");
    }

    /** Hides the token, so a logged config leaks no secret. */
    @Override
    public String toString() {
        return "AdminConfig[token=" + (token.isEmpty() ? "" : "***") + "]";
    }
}
