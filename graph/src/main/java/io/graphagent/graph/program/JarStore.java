package io.graphagent.graph.program;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A directory of program jars named by the SHA-256 of their bytes ({@code SHA.jar}): the
 * coordinator's store of uploaded jars (under its state directory) and each agent's cache of
 * fetched ones (under its work directory). A jar enters only through {@link #receive}, which
 * writes a temporary file, checks its size and SHA-256 against what the sender announced, and
 * renames it into place atomically, so a file named {@code SHA.jar} always holds exactly those
 * bytes. Thread-safe: two receivers of the same jar each write their own temporary file and
 * the second rename replaces the first with the same bytes.
 */
public final class JarStore {
    /**
     * The largest jar taken, bytes (64 MiB): a program and the libraries it packs; larger is far
     * more likely a mistake (a fat jar of graphagent itself, a data file) and would cost every
     * agent that much disk and transfer.
     */
    public static final long MAX_JAR_BYTES = 64L << 20;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path root;

    public JarStore(Path root) {
        this.root = root;
    }

    /** The directory the jars are kept in. */
    public Path root() {
        return root;
    }

    /** The jar with this SHA-256 when the store holds it. */
    public Optional<Path> find(String sha256) {
        if (!SHA256.matcher(sha256).matches()) {
            return Optional.empty();
        }
        Path jar = root.resolve(sha256 + ".jar");
        return Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
    }

    /**
     * Starts receiving a jar announced as {@code bytes} long with this SHA-256.
     *
     * @throws JarRejectedException when the SHA-256 is not 64 lower-case hex digits or the size
     *     is negative or over {@code maxBytes}
     */
    public Incoming receive(String sha256, long bytes, long maxBytes) throws IOException, JarRejectedException {
        if (!SHA256.matcher(sha256).matches()) {
            throw new JarRejectedException("'" + sha256 + "' is not a SHA-256 (64 lower-case hex digits)");
        }
        if (bytes < 0 || bytes > maxBytes) {
            throw new JarRejectedException("the jar is " + bytes + " bytes; at most " + maxBytes + " bytes ("
                    + (maxBytes >> 20) + " MiB) are taken. Fix: ship the program without bundled copies of graphagent"
                    + " or large data files");
        }
        Files.createDirectories(root);
        return new Incoming(sha256, bytes, Files.createTempFile(root, sha256 + "-", ".part"));
    }

    /** Lower-case hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** One jar being received, in order; {@link #commit} or {@link #close} (which drops it) ends it. */
    public final class Incoming implements AutoCloseable {
        private final String sha256;
        private final long expectedBytes;
        private final Path temp;
        private final OutputStream out;
        private final MessageDigest digest = newDigest();
        private long received;
        private boolean committed;

        private Incoming(String sha256, long expectedBytes, Path temp) throws IOException {
            this.sha256 = sha256;
            this.expectedBytes = expectedBytes;
            this.temp = temp;
            this.out = Files.newOutputStream(temp);
        }

        /**
         * Appends the bytes at {@code offset} (which must be where the previous ones ended).
         *
         * @throws JarRejectedException on a gap, or past the announced size
         */
        public void write(long offset, byte[] data) throws IOException, JarRejectedException {
            if (offset != received) {
                throw new JarRejectedException("bytes at offset " + offset + " of the jar arrived, expected offset " + received);
            }
            if (received + data.length > expectedBytes) {
                throw new JarRejectedException("the jar is longer than the " + expectedBytes + " bytes announced");
            }
            out.write(data);
            digest.update(data);
            received += data.length;
        }

        /**
         * Checks the size and SHA-256 and keeps the jar; returns its path.
         *
         * @throws JarRejectedException when the bytes are short or their SHA-256 differs (nothing is kept)
         */
        public Path commit() throws IOException, JarRejectedException {
            out.close();
            if (received != expectedBytes) {
                throw new JarRejectedException("the jar ended after " + received + " of the " + expectedBytes
                        + " bytes announced");
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(sha256)) {
                throw new JarRejectedException("the jar received has SHA-256 " + actual + ", not the " + sha256
                        + " announced: it was corrupted or changed in transit");
            }
            Path jar = root.resolve(sha256 + ".jar");
            try {
                Files.move(temp, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, jar, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
            return jar;
        }

        /** Drops the temporary file unless committed. */
        @Override
        public void close() {
            try {
                out.close();
                if (!committed) {
                    Files.deleteIfExists(temp);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + temp, e);
            }
        }
    }

    /** A jar refused: not what was announced, or too large. The message says which and the fix. */
    public static final class JarRejectedException extends Exception {
        private static final long serialVersionUID = 1L;

        public JarRejectedException(String message) {
            super(message);
        }
    }
}
