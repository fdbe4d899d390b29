package io.graphagent.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The byte-size syntax of configuration: a whole number with a binary unit and no space,
 * {@code 512KiB}, {@code 64MiB}, {@code 1GiB}, or plain bytes ({@code 1048576},
 * {@code 1048576B}). The decimal-looking units KB, MB and GB are refused: half the tools
 * read them as powers of 1000 and half as powers of 1024, so the file would not say what
 * it means.
 */
public final class DataSize {

    /** One kibibyte, 2^10 bytes. */
    public static final long KIB = 1L << 10;
    /** One mebibyte, 2^20 bytes. */
    public static final long MIB = 1L << 20;
    /** One gibibyte, 2^30 bytes. */
    public static final long GIB = 1L << 30;
    /** One tebibyte, 2^40 bytes. */
    public static final long TIB = 1L << 40;

    /** The accepted form, for error messages. */
    public static final String EXPECTED = "a whole number of bytes with a binary unit and no space, e.g. 512KiB, 64MiB, 1GiB";

    private static final Pattern SIZE = Pattern.compile("(\\d+)(B|KiB|MiB|GiB|TiB)?");
    private static final Pattern AMBIGUOUS = Pattern.compile("(\\d+)\\s*([kKmMgGtT])[bB]?");

    private DataSize() {
    }

    /**
     * Parses a size in bytes.
     *
     * @throws IllegalArgumentException naming what is wrong and the accepted form
     */
    public static long parse(String text) {
        String s = text.trim();
        Matcher m = SIZE.matcher(s);
        if (m.matches()) {
            long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
                case "B" -> 1L;
                case "KiB" -> KIB;
                case "MiB" -> MIB;
                case "GiB" -> GIB;
                case "TiB" -> TIB;
                default -> throw new IllegalStateException(m.group(2));
            };
            try {
                return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is too large; expected " + EXPECTED);
            }
        }
        Matcher a = AMBIGUOUS.matcher(s);
        if (a.matches()) {
            String binary = a.group(1) + Character.toUpperCase(a.group(2).charAt(0)) + "iB";
            throw new IllegalArgumentException("'" + s + "' is ambiguous (powers of 1000 or 1024?): write "
                    + binary + " for " + a.group(1) + " x 2^" + (10 * (1 + "KMGT".indexOf(Character.toUpperCase(a.group(2).charAt(0)))))
                    + " bytes");
        }
        throw new IllegalArgumentException("'" + s + "' is not a size; expected " + EXPECTED);
    }

    /** Formats bytes in the largest binary unit that states them exactly, e.g. {@code 64MiB}. */
    public static String format(long bytes) {
        if (bytes != 0) {
            if (bytes % TIB == 0) {
                return bytes / TIB + "TiB";
            }
            if (bytes % GIB == 0) {
                return bytes / GIB + "GiB";
            }
            if (bytes % MIB == 0) {
                return bytes / MIB + "MiB";
            }
            if (bytes % KIB == 0) {
                return bytes / KIB + "KiB";
            }
        }
        return bytes + "B";
    }
}
