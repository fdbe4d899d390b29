package io.graphagent.ops.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's static files (HTML, CSS, JavaScript), read once from the classpath: a shell
 * with no data in it, so it is served without the token; the page fetches everything from the
 * token-protected JSON API. Immutable.
 */
public final class DashboardAssets {

    /**
     * Sent with every page: scripts, styles, images and requests only from this origin, no
     * framing. Keeps the page working offline and keeps injected markup inert.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** A file to serve. */
    public record Asset(String contentType, byte[] body) {
    }

    private static final String ROOT = "/io/graphagent/ops/dashboard/";
    private static final String HTML = "text/html; charset=utf-8";

    private final Map<String, Asset> byPath;

    private DashboardAssets(Map<String, Asset> byPath) {
        this.byPath = byPath;
    }

    /**
     * Reads the files; the page answers at {@code /}, {@code /dashboard} and {@code /dashboard/}.
     *
     * @throws UncheckedIOException if a file is missing from the build
     */
    public static DashboardAssets load() {
        Asset index = read("index.html", HTML);
        return new DashboardAssets(Map.of(
                "/", index,
                "/dashboard", index,
                "/dashboard/", index,
                "/dashboard/dashboard.css", read("dashboard.css", "text/css; charset=utf-8"),
                "/dashboard/dashboard.js", read("dashboard.js", "text/javascript; charset=utf-8")));
    }

    /** The file at the request path {@code path}, if it is one of the dashboard's. */
    public Optional<Asset> find(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    private static Asset read(String name, String type) {
        try (InputStream in = DashboardAssets.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("dashboard file " + ROOT + name + " missing from the classpath"));
            }
            return new Asset(type, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
