package io.graphagent.config;

import java.util.Map;
import java.util.Optional;

/**
 * Keys that configuration files could once set and that are gone: a file or an environment
 * override that still sets one is an error saying that the key was removed, when and why, and
 * to delete it, rather than "unknown key" with a did-you-mean pointing at another key.
 * Stateless.
 */
final class RemovedKeys {
    /** Why each removed key went, by dotted path. */
    private static final Map<String, String> WHY = Map.of(
            "agent.warmup", "was removed on 2026-12-07 with the data plane's warm-up at agent start: it measured as a"
                    + " cost (CPU at every start, later jobs not faster) and was off by default in every profile"
                    + " (docs/performance.md)");

    private RemovedKeys() {
    }

    /** Why the key at {@code path} was removed, if it was. */
    static Optional<String> why(String path) {
        return Optional.ofNullable(WHY.get(path));
    }

    /** The removed key whose environment override {@code envName} was, if any. */
    static Optional<String> ofEnvironment(String envName) {
        return WHY.keySet().stream().filter(path -> ConfigKey.envName(path).equals(envName)).findFirst();
    }
}
