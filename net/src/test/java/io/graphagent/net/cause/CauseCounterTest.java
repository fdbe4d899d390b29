package io.graphagent.net.cause;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CauseCounterTest {

    @Test
    void countsPerCauseAndSnapshotsOnlyRecordedOnes() {
        CauseCounter counter = new CauseCounter();
        counter.record(DisconnectCause.TLS_UNKNOWN_CA);
        counter.record(DisconnectCause.TLS_UNKNOWN_CA);
        counter.record(DisconnectCause.CONNECTION_REFUSED);

        assertThat(counter.count(DisconnectCause.TLS_UNKNOWN_CA)).isEqualTo(2);
        assertThat(counter.count(DisconnectCause.LEASE_EXPIRED)).isZero();
        assertThat(counter.snapshot()).isEqualTo(Map.of(
                DisconnectCause.CONNECTION_REFUSED, 1L, DisconnectCause.TLS_UNKNOWN_CA, 2L));
    }

    @Test
    void listenersHearEveryRecordWithTheNewTotalUntilRemoved() {
        CauseCounter counter = new CauseCounter();
        List<String> heard = new ArrayList<>();
        CauseCounter.Listener listener = (cause, total) -> heard.add(cause.label() + "=" + total);
        counter.addListener(listener);
        counter.record(DisconnectCause.PEER_CLOSED);
        counter.record(DisconnectCause.PEER_CLOSED);
        counter.removeListener(listener);
        counter.record(DisconnectCause.PEER_CLOSED);

        assertThat(heard).containsExactly("peer_closed=1", "peer_closed=2");
    }

    @Test
    void concurrentRecordsAreNotLost() throws Exception {
        CauseCounter counter = new CauseCounter();
        AtomicLong heard = new AtomicLong();
        counter.addListener((cause, total) -> heard.incrementAndGet());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        counter.record(DisconnectCause.STREAM_BROKEN);
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(counter.count(DisconnectCause.STREAM_BROKEN)).isEqualTo(40_000);
        assertThat(heard.get()).isEqualTo(40_000);
    }
}
