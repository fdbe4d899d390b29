package io.graphagent.agent.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Thrashing: most of a window paused in collections with the heap full; neither alone. */
class GcPressureTest {
    private static final long MAX = 64L << 20;

    private final AtomicLong paused = new AtomicLong();
    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicLong used = new AtomicLong();
    private final GcPressure pressure = new GcPressure(paused::get, now::get, used::get, MAX);

    private boolean after(long windowMs, long pausedMs, long usedMb) {
        now.addAndGet(windowMs);
        paused.addAndGet(pausedMs);
        used.set(usedMb << 20);
        return pressure.thrashing();
    }

    @Test
    void mostOfAWindowPausedWithTheHeapFullIsThrashing() {
        assertThat(after(1200, 700, 60)).isTrue();
    }

    @Test
    void aFullHeapCollectedBrieflyIsNot() {
        // Garbage fills the heap between collections: in use is high, pauses short.
        assertThat(after(1200, 100, 62)).isFalse();
    }

    @Test
    void longPausesWithRoomLeftAreNot() {
        assertThat(after(1200, 700, 20)).isFalse();
    }

    @Test
    void aWindowTooShortIsNotJudgedAndCountsTowardsTheNext() {
        assertThat(after(400, 400, 63)).as("400 ms: too short to judge").isFalse();
        assertThat(after(800, 300, 63)).as("1,200 ms, 700 paused").isTrue();
        assertThat(after(1200, 100, 63)).as("a new window, calm").isFalse();
    }

    @Test
    void thisJvmsPressureReadsItsHeap() {
        GcPressure jvm = GcPressure.ofThisJvm(io.graphagent.net.time.Ticker.system());

        assertThat(jvm.maxBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
        assertThat(jvm.thrashing()).as("just made: no window yet").isFalse();
    }
}
