package io.graphagent.graph.output;

/**
 * Decimal digits straight into a byte array, for writers of large text files that cannot
 * afford a String per number.
 */
public final class Ascii {
    private Ascii() {
    }

    /** Number of decimal digits of a non-negative value. */
    public static int digits(long value) {
        int d = 1;
        while (value >= 10) {
            value /= 10;
            d++;
        }
        return d;
    }

    /**
     * Writes {@code value} (non-negative) at {@code pos}; returns the position after it.
     * The caller guarantees 19 free bytes.
     */
    public static int putLong(byte[] buf, int pos, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative: " + value);
        }
        int end = pos + digits(value);
        int p = end;
        do {
            buf[--p] = (byte) ('0' + (int) (value % 10));
            value /= 10;
        } while (value != 0);
        return end;
    }

    /** Writes {@code value} zero-padded to exactly {@code width} digits; returns the position after it. */
    public static int putPadded(byte[] buf, int pos, long value, int width) {
        int p = pos + width;
        for (int i = 0; i < width; i++) {
            buf[--p] = (byte) ('0' + (int) (value % 10));
            value /= 10;
        }
        return pos + width;
    }
}
