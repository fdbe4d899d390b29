package io.graphagent.graph.load;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads whitespace-separated records out of one newline-aligned chunk of a text file,
 * straight from the bytes: no String per token unless a weight needs the slow path or a
 * token is wrong.
 *
 * <p>Tokens are separated by any run of spaces or tabs; a {@code \r} before the newline is
 * ignored; blank lines and lines whose first non-blank byte is {@code #} or {@code %} are
 * skipped. Errors are thrown as {@link GraphInputException} with a line number that is
 * 1-based <em>within the chunk</em>; the caller turns it into a file line once the earlier
 * chunks' newlines are counted. One instance per thread; reused across chunks.
 */
final class ChunkParser {
    private static final long MAX_DIV_10 = Long.MAX_VALUE / 10;
    private static final int MAX_DIGIT_AT_LIMIT = (int) (Long.MAX_VALUE % 10);
    /** Largest mantissa that a double holds exactly: the exact fast path of decimal parsing. */
    private static final long MAX_EXACT_MANTISSA = 1L << 53;
    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };
    static final String ID_FIX = "vertex ids must be integers from 0 to " + Long.MAX_VALUE;

    private final Path file;
    private byte[] buf;
    private int pos;
    private int end;
    private long newlines;

    /** @param file named in error messages */
    ChunkParser(Path file) {
        this.file = file;
    }

    /** Starts on a new chunk held in {@code buf[start..length)}. */
    void reset(byte[] buf, int start, int length) {
        this.buf = buf;
        this.pos = start;
        this.end = length;
        this.newlines = 0;
    }

    /** Newlines passed so far in this chunk. */
    long newlines() { return newlines; }

    /** 1-based line within the chunk of the current position. */
    long line() { return newlines + 1; }

    /** An error at the current line of the chunk. */
    GraphInputException error(String problem, String fix) {
        return new GraphInputException(file, line(), problem, fix);
    }

    /** Moves to the first token of the next record; false at the end of the chunk. */
    boolean nextRecord() {
        byte[] b = buf;
        int p = pos;
        while (p < end) {
            byte c = b[p];
            if (c == ' ' || c == '\t' || c == '\r') {
                p++;
            } else if (c == '\n') {
                p++;
                newlines++;
            } else if (c == '#' || c == '%') {
                pos = p;
                skipLine();
                p = pos;
            } else {
                pos = p;
                return true;
            }
        }
        pos = p;
        return false;
    }

    /** Skips separators; true when a token follows on the current line. */
    boolean nextToken() {
        byte[] b = buf;
        int p = pos;
        while (p < end && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r')) {
            p++;
        }
        pos = p;
        return p < end && b[p] != '\n';
    }

    /** Skips the token at the current position (which must be at a token), unread. */
    void skipToken() {
        pos = tokenEnd(pos);
    }

    /** Skips the rest of the current line and its newline. */
    void skipLine() {
        byte[] b = buf;
        int p = pos;
        while (p < end && b[p] != '\n') {
            p++;
        }
        if (p < end) {
            p++;
            newlines++;
        }
        pos = p;
    }

    /**
     * Reads a vertex id at the current position (which must be at a token).
     *
     * @param what names the column in errors, e.g. "source id"
     */
    long readId(String what) throws GraphInputException {
        byte[] b = buf;
        int start = pos;
        int p = start;
        long value = 0;
        while (p < end) {
            int digit = b[p] - '0';
            if (digit < 0 || digit > 9) {
                break;
            }
            if (value >= MAX_DIV_10 && (value > MAX_DIV_10 || digit > MAX_DIGIT_AT_LIMIT)) {
                throw idError(start, what);
            }
            value = value * 10 + digit;
            p++;
        }
        if (p == start || (p < end && !isSeparator(b[p]))) {
            throw idError(start, what);
        }
        pos = p;
        return value;
    }

    /** Reads a weight at the current position (which must be at a token): finite and >= 0. */
    double readWeight() throws GraphInputException {
        byte[] b = buf;
        int start = pos;
        int p = start;
        boolean negative = false;
        if (p < end && (b[p] == '-' || b[p] == '+')) {
            negative = b[p] == '-';
            p++;
        }
        long mantissa = 0;
        int exponent = 0;
        int digits = 0;
        boolean exact = true;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            exact &= accumulate(mantissa);
            mantissa = mantissa * 10 + (b[p] - '0');
            digits++;
            p++;
        }
        if (p < end && b[p] == '.') {
            p++;
            while (p < end && b[p] >= '0' && b[p] <= '9') {
                exact &= accumulate(mantissa);
                mantissa = mantissa * 10 + (b[p] - '0');
                exponent--;
                digits++;
                p++;
            }
        }
        if (digits > 0 && p < end && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            boolean negativeExponent = false;
            if (p < end && (b[p] == '-' || b[p] == '+')) {
                negativeExponent = b[p] == '-';
                p++;
            }
            int expStart = p;
            int e = 0;
            while (p < end && b[p] >= '0' && b[p] <= '9') {
                e = Math.min(e * 10 + (b[p] - '0'), 100_000);
                p++;
            }
            if (p == expStart) {
                digits = 0; // "1e" is not a number
            }
            exponent += negativeExponent ? -e : e;
        }
        boolean tokenEnds = p == end || isSeparator(b[p]);
        if (digits == 0 || !tokenEnds || !exact || mantissa > MAX_EXACT_MANTISSA || exponent < -22 || exponent > 22) {
            return slowWeight(start);
        }
        double value = exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent] : mantissa / POWERS_OF_TEN[-exponent];
        if (negative && value != 0) {
            throw weightError(start, "is negative");
        }
        pos = p;
        return value == 0 ? 0.0 : value;
    }

    /** False when one more digit could overflow the long mantissa. */
    private static boolean accumulate(long mantissa) {
        return mantissa < MAX_DIV_10;
    }

    private double slowWeight(int start) throws GraphInputException {
        int p = tokenEnd(start);
        String token = new String(buf, start, p - start, StandardCharsets.ISO_8859_1);
        String bare = token.startsWith("-") || token.startsWith("+") ? token.substring(1) : token;
        double value;
        if (bare.equalsIgnoreCase("nan")) {
            value = Double.NaN;
        } else if (bare.equalsIgnoreCase("inf") || bare.equalsIgnoreCase("infinity")) {
            value = Double.POSITIVE_INFINITY;
        } else {
            char last = token.charAt(token.length() - 1);
            if (!Character.isDigit(last) && last != '.') {
                throw weightError(start, "is not a number"); // Java would take "1d", "1f", "0x1p3"
            }
            try {
                value = Double.parseDouble(token);
            } catch (NumberFormatException e) {
                throw weightError(start, "is not a number");
            }
        }
        if (Double.isNaN(value)) {
            throw weightError(start, "is NaN");
        }
        if (Double.isInfinite(value)) {
            throw weightError(start, "is infinite");
        }
        if (value < 0) {
            throw weightError(start, "is negative");
        }
        pos = p;
        return value == 0 ? 0.0 : value;
    }

    private GraphInputException weightError(int start, String problem) {
        return new GraphInputException(file, line(), "weight " + quote(start) + " " + problem,
                "weights must be finite numbers >= 0, e.g. 0.5 or 2e-3");
    }

    private GraphInputException idError(int start, String what) {
        String token = quote(start);
        int p = start;
        boolean negative = buf[p] == '-';
        if (negative) {
            p++;
        }
        int digitsStart = p;
        while (p < end && buf[p] >= '0' && buf[p] <= '9') {
            p++;
        }
        boolean allDigits = p > digitsStart && (p == end || isSeparator(buf[p]));
        if (allDigits && negative) {
            return new GraphInputException(file, line(), what + " " + token + " is negative", ID_FIX);
        }
        if (allDigits) {
            return new GraphInputException(file, line(), what + " " + token + " does not fit in 64 bits",
                    ID_FIX + "; renumber larger ids");
        }
        return new GraphInputException(file, line(), what + " " + token + " is not a number", ID_FIX);
    }

    /** The token starting at {@code start}, as {@link Excerpt} quotes it: short and escaped. */
    private String quote(int start) {
        return Excerpt.quote(buf, start, tokenEnd(start));
    }

    private int tokenEnd(int start) {
        int p = start;
        while (p < end && !isSeparator(buf[p])) {
            p++;
        }
        return p;
    }

    private static boolean isSeparator(byte c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
