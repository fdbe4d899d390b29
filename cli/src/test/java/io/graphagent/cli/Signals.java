package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

/** Sends POSIX signals to the test's child processes with kill(1). */
final class Signals {

    private Signals() {
    }

    /** Sends SIG{@code name} (e.g. STOP, CONT) to {@code pid} and checks that kill succeeded. */
    static void send(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %d", name, pid).isZero();
    }
}
