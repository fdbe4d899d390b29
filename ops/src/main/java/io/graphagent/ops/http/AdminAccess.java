package io.graphagent.ops.http;

import io.graphagent.config.ConfigKeys;
import io.graphagent.config.HostPort;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Who may call what on the admin HTTP server. Health and readiness, and the dashboard's static
 * page, are open (probes need no secret; the page holds no data). Reading (metrics, the JSON API)
 * needs {@code Authorization: Bearer TOKEN} when {@code admin.token} is set. Changing state (log
 * levels) always needs the token, also on loopback, where any local user could otherwise turn
 * logging off: without a token configured, no one may. A non-loopback address without a token
 * refuses to start. Immutable and thread-safe.
 */
final class AdminAccess {
    /** What a request does, for its token rule. */
    enum Kind { OPEN, READ, CHANGE }

    private static final String BEARER = "Bearer ";

    private final String token;
    /** The token's UTF-8 bytes, made once: a query's check allocates nothing. */
    private final byte[] tokenBytes;
    private final boolean asciiToken;

    private AdminAccess(String token) {
        this.token = token;
        this.tokenBytes = token.getBytes(StandardCharsets.UTF_8);
        this.asciiToken = tokenBytes.length == token.length();
    }

    /**
     * The access rules for a server on {@code listen} with {@code token} (empty for none).
     *
     * @throws IllegalArgumentException when {@code listen} is not a loopback address and there is no token
     */
    static AdminAccess of(String role, HostPort listen, String token) {
        if (token.isEmpty() && !listen.isLoopback()) {
            String key = role.equals("coordinator") ? ConfigKeys.COORDINATOR_ADMIN_LISTEN.path() : "--admin-listen";
            throw new IllegalArgumentException("the " + role + "'s admin HTTP server would listen on " + listen + " ("
                    + key + "), reachable from other machines, without admin.token: anyone reaching it could read the"
                    + " jobs and turn logging off. Fix: set " + ConfigKeys.ADMIN_TOKEN.envName() + " (or admin.token) to a"
                    + " random string of at least 16 characters, or listen on 127.0.0.1");
        }
        return new AdminAccess(token);
    }

    /** Why a request of this kind with this Authorization header (null if none) is refused; empty when allowed. */
    Optional<Refusal> check(Kind kind, String authorization) {
        if (kind == Kind.OPEN) {
            return Optional.empty();
        }
        if (token.isEmpty()) {
            return kind == Kind.READ ? Optional.empty() : Optional.of(new Refusal(403, "changing state needs admin.token,"
                    + " also on loopback, and none is set: set " + ConfigKeys.ADMIN_TOKEN.envName()
                    + " (or admin.token) for this process and send it as 'Authorization: Bearer TOKEN'"));
        }
        if (authorization == null || !authorization.startsWith(BEARER) || !presents(authorization)) {
            return Optional.of(new Refusal(401, "missing or wrong token: send 'Authorization: Bearer TOKEN' (admin.token)"));
        }
        return Optional.empty();
    }

    /**
     * Whether the header after "Bearer ", stripped of surrounding white space, is the token:
     * compared in time that does not depend on where they differ ({@link MessageDigest#isEqual}
     * does the same), an ASCII token char by char without copying the header.
     */
    private boolean presents(String authorization) {
        int from = BEARER.length();
        int to = authorization.length();
        if (!asciiToken) {
            return MessageDigest.isEqual(authorization.substring(from).strip().getBytes(StandardCharsets.UTF_8), tokenBytes);
        }
        while (from < to && Character.isWhitespace(authorization.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(authorization.charAt(to - 1))) {
            to--;
        }
        int length = to - from;
        int differ = length ^ tokenBytes.length;
        for (int i = 0; i < tokenBytes.length; i++) {
            char c = i < length ? authorization.charAt(from + i) : 0;
            differ |= c ^ (tokenBytes[i] & 0xff);
        }
        return differ == 0;
    }

    /** An HTTP status and the message of a refused request. */
    record Refusal(int status, String message) {
    }
}
