package io.graphagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphagent.config.ConfigKeys;
import io.graphagent.config.HostPort;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How {@code events} and {@code log-level} reach an admin HTTP server: {@code --admin HOST:PORT}
 * (also spelled {@code --coordinator-admin}), else the running {@code graphagent local}'s
 * {@code admin.address}; the token from {@code --token}, else {@code GRAPHAGENT_ADMIN_TOKEN}, else that
 * local cluster's {@code config.yaml}.
 */
final class AdminClient {
    /** Bound on one request; the admin handlers answer from memory, so this is generous. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Option(names = {"--admin", "--coordinator-admin"}, paramLabel = "HOST:PORT", converter = AddressConverter.class,
            description = "The admin HTTP server (coordinator.admin-listen, or an agent's --admin-listen). "
                    + "Default: the running 'graphagent local' (STATE/admin.address).")
    HostPort admin;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "admin.token of the server. Default: the environment variable GRAPHAGENT_ADMIN_TOKEN, else the"
                    + " running 'graphagent local''s config.yaml.")
    String token;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = LocalState.DEFAULT_DIR,
            description = "State directory of 'graphagent local' to take the admin address from. Default: ${DEFAULT-VALUE}.")
    Path stateDir;

    /**
     * Made on the first call, not with the object: picocli makes every command's options to build
     * {@code --help}, and an HTTP client (TLS defaults) and a JSON mapper cost ~0.3 s of class loading.
     */
    private HttpClient http;
    private ObjectMapper json;

    HostPort address() {
        if (admin != null) {
            return admin;
        }
        return new LocalState(stateDir).adminAddress().orElseThrow(() -> new BadInputException(
                "no admin address: no --admin and no running 'graphagent local' in " + stateDir,
                "pass --admin HOST:PORT (coordinator.admin-listen, default 127.0.0.1:7480)"));
    }

    /** --token, else GRAPHAGENT_ADMIN_TOKEN, else (no --admin) the running local cluster's admin.token. */
    private String token() {
        if (token != null) {
            return token;
        }
        String env = System.getenv().getOrDefault(ConfigKeys.ADMIN_TOKEN.envName(), "");
        LocalState state = new LocalState(stateDir);
        if (!env.isEmpty() || admin != null || !state.exists()) {
            return env;
        }
        try {
            return ConfigOption.load(state.config(), Map.of()).admin().token();
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Sends {@code method path} with an optional JSON body; returns the parsed JSON answer or throws with the server's error. */
    JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        HostPort a = address();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + a + path)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        String t = token();
        if (!t.isEmpty()) {
            request.header("Authorization", "Bearer " + t);
        }
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            json = new ObjectMapper();
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new BadInputException("nothing answers on " + a + " (connection refused)",
                    "check --admin HOST:PORT against coordinator.admin-listen, and that the process runs");
        }
        if (response.statusCode() == 401) {
            throw new BadInputException("the admin server at " + a + " refused the token",
                    "pass --token TOKEN or set GRAPHAGENT_ADMIN_TOKEN to the server's admin.token");
        }
        JsonNode answer = json.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new BadInputException(a + path + " answered " + response.statusCode() + ": " + answer.path("error").asText());
        }
        return answer;
    }
}
