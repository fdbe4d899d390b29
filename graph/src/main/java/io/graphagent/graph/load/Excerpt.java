package io.graphagent.graph.load;

/**
 * How an error message quotes text from a graph file: one token at most
 * {@value #LIMIT} characters long, in single quotes, with anything but printable ASCII
 * escaped ({@code \xNN}, {@code \'}, {@code \\}). A message ends up in logs, job records,
 * {@code status --all} and {@code /api/jobs}, and the "graph" may be any file the cluster can
 * read (a job given {@code -g /etc/shadow}): quoting no more than the start of the offending
 * token tells the user what is wrong without copying the file out. Stateless.
 */
final class Excerpt {
    /** Characters of a token quoted at most (a 64-bit number fits); longer ones end in {@code ...}. */
    static final int LIMIT = 20;

    private Excerpt() {
    }

    /** {@code bytes[start..end)}, one token, quoted and escaped. */
    static String quote(byte[] bytes, int start, int end) {
        StringBuilder out = new StringBuilder("'");
        int shown = 0;
        int p = start;
        for (; p < end && shown < LIMIT; p++, shown++) {
            append(out, bytes[p] & 0xff);
        }
        return out.append(p < end ? "...'" : "'").toString();
    }

    /** A token of text already decoded (a properties value), quoted and escaped likewise. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("'");
        int n = Math.min(text.length(), LIMIT);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c > 0xff) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                append(out, c);
            }
        }
        return out.append(text.length() > LIMIT ? "...'" : "'").toString();
    }

    private static void append(StringBuilder out, int c) {
        if (c == '\'' || c == '\\') {
            out.append('\\').append((char) c);
        } else if (c >= 0x20 && c < 0x7f) {
            out.append((char) c);
        } else {
            out.append(String.format("\\x%02x", c));
        }
    }
}
