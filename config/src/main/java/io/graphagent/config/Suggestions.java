package io.graphagent.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean" for unknown keys: finds the known key a typo most likely meant, by
 * (in order) the same key spelled with other case, dashes or underscores; the same last
 * part in another section ({@code session.keepalive-time} for {@code grpc.keepalive-time});
 * or the closest by edit distance, if close enough to be a typo.
 */
final class Suggestions {

    private Suggestions() {
    }

    /** The best known path for {@code unknown}, if any is plausible. */
    static Optional<String> closest(String unknown, Collection<String> known) {
        String normalized = normalize(unknown);
        for (String k : known) {
            if (normalize(k).equals(normalized)) {
                return Optional.of(k);
            }
        }
        String leaf = normalize(leaf(unknown));
        for (String k : known) {
            if (normalize(leaf(k)).equals(leaf) && leaf.length() > 3) {
                return Optional.of(k);
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(unknown.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        int allowed = Math.max(2, unknown.length() / 4);
        return bestDistance <= allowed ? Optional.ofNullable(best) : Optional.empty();
    }

    private static String leaf(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    private static String normalize(String s) {
        return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
