package io.graphagent.cli.netlab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the lab's tools ({@code ip}, {@code nft}, {@code kill}) as processes, each bounded to
 * {@link #TIMEOUT}, and fails with the command and its stderr when one exits non-zero.
 * Stateless and thread-safe.
 */
final class Shell {
    /** Longest any lab tool may take; they finish in milliseconds. */
    static final long TIMEOUT_SECONDS = 20;

    private Shell() {
    }

    /** What a command printed and how it exited. */
    record Result(List<String> command, int exitCode, String out, String err) {
        boolean ok() {
            return exitCode == 0;
        }

        String describe() {
            return String.join(" ", command) + " exited " + exitCode + (err.isBlank() ? "" : ": " + err.strip());
        }
    }

    /** Runs {@code command}; throws {@link NetLabException} unless it exits 0. Returns its stdout. */
    static String run(List<String> command) {
        Result result = attempt(command);
        if (!result.ok()) {
            throw new NetLabException(result.describe());
        }
        return result.out();
    }

    static String run(String... command) {
        return run(List.of(command));
    }

    /** Runs {@code command} and returns how it went, whatever its exit code. */
    static Result attempt(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new NetLabException(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(List.copyOf(command), process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new NetLabException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetLabException("interrupted while running " + String.join(" ", command), e);
        }
    }

    static Result attempt(String... command) {
        return attempt(List.of(command));
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, r -> Thread.ofVirtual().start(r));
    }
}
