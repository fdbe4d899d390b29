package io.graphagent.graph.traverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VertexTableTest {

    /** Adds {@code count} seeded random ids below {@code bound} to the table and to a reference map, checking each answer. */
    private static Map<Integer, Integer> fill(VertexTable table, int bound, int count, long seed) {
        Map<Integer, Integer> reference = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            int v = random.nextInt(bound);
            int parent = random.nextInt(bound);
            boolean isNew = !reference.containsKey(v);
            reference.putIfAbsent(v, parent);
            assertThat(table.add(v, parent)).as("add(%d) #%d", v, i).isEqualTo(isNew);
        }
        return reference;
    }

    private static void assertSame(VertexTable table, Map<Integer, Integer> reference, int bound) {
        assertThat(table.size()).isEqualTo(reference.size());
        List<Integer> order = new ArrayList<>(reference.keySet());
        for (int k = 0; k < order.size(); k++) {
            assertThat(table.vertices()[k]).isEqualTo(order.get(k));
            assertThat(table.parents()[k]).isEqualTo(reference.get(order.get(k)));
        }
        for (int v = 0; v < bound; v++) {
            assertThat(table.contains(v)).as("contains(%d)", v).isEqualTo(reference.containsKey(v));
        }
    }

    @Test
    void aTableWithAUniverseSwitchesToBitsAtASixtyFourthAndKeepsOrderAndParents() {
        int universe = 1 << 17;
        VertexTable table = new VertexTable(universe);
        Map<Integer, Integer> reference = fill(table, universe, 1000, 1);
        assertThat(table.usesBits()).isFalse();
        assertSame(table, reference, universe);

        SplittableRandom random = new SplittableRandom(3);
        while (reference.size() < universe / VertexTable.BITS_AT) {
            int v = random.nextInt(universe);
            assertThat(table.add(v, v + 1)).isEqualTo(reference.putIfAbsent(v, v + 1) == null);
        }
        assertThat(table.usesBits()).isTrue();
        for (int i = 0; i < 50_000; i++) {
            int v = random.nextInt(universe);
            assertThat(table.add(v, 7)).isEqualTo(reference.putIfAbsent(v, 7) == null);
        }
        assertSame(table, reference, universe);
        int some = table.vertices()[table.size() / 2];
        assertThat(table.indexOf(some)).isEqualTo(table.size() / 2);
        assertThat(table.parentOf(some)).isEqualTo(reference.get(some));
    }

    @Test
    void clearEmptiesBothKindsForReuse() {
        int universe = 1 << 16;
        VertexTable table = new VertexTable(universe);
        fill(table, universe, 20_000, 4);
        assertThat(table.usesBits()).isTrue();
        table.clear();
        assertThat(table.size()).isZero();
        assertThat(table.usesBits()).isFalse();
        for (int v = 0; v < universe; v++) {
            assertThat(table.contains(v)).as("contains(%d) after clear", v).isFalse();
        }
        // Reused: a few ids (hash), then many (bits again, over the cleared bits).
        Map<Integer, Integer> small = fill(table, universe, 100, 5);
        assertSame(table, small, universe);
        table.clear();
        Map<Integer, Integer> large = fill(table, universe, 60_000, 6);
        assertThat(table.usesBits()).isTrue();
        assertSame(table, large, universe);
    }

    @Test
    void aTableWithoutAUniverseHashesWhateverItHolds() {
        VertexTable table = new VertexTable();
        Map<Integer, Integer> reference = fill(table, Integer.MAX_VALUE, 100_000, 7);
        assertThat(table.usesBits()).isFalse();
        assertThat(table.size()).isEqualTo(reference.size());
        reference.forEach((v, parent) -> assertThat(table.parentOf(v)).isEqualTo(parent));
        assertThat(table.contains(-5)).isFalse();
        assertThat(table.indexOf(12)).isEqualTo(reference.containsKey(12) ? 0 : -1);
    }

    @Test
    void anIdOutsideTheUniverseIsRefusedWithItsBound() {
        VertexTable table = new VertexTable(1 << 16);
        fill(table, 1 << 16, 5_000, 8);
        assertThat(table.usesBits()).isTrue();
        assertThatThrownBy(() -> table.add(1 << 16, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vertex 65536 is outside the table's universe 0..65535");
        assertThatThrownBy(() -> table.add(-1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vertex -1 is outside the table's universe 0..65535");
        assertThat(table.contains(1 << 16)).isFalse();
        assertThat(table.contains(-1)).isFalse();
    }
}
