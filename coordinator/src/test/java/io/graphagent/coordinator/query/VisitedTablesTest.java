package io.graphagent.coordinator.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.graph.traverse.VertexTable;
import org.junit.jupiter.api.Test;

class VisitedTablesTest {

    @Test
    void aTableGivenBackIsHandedOutAgainEmpty() {
        VisitedTables tables = new VisitedTables(2);
        VertexTable t = tables.take(1000);
        for (int v = 0; v < 500; v++) {
            t.add(v, 0);
        }
        tables.give(t);
        assertThat(tables.idle()).isEqualTo(1);

        VertexTable again = tables.take(1000);
        assertThat(again).isSameAs(t);
        assertThat(again.size()).isZero();
        assertThat(again.contains(3)).isFalse();
        assertThat(tables.idle()).isZero();
    }

    @Test
    void aTableOfAnotherUniverseIsDroppedAndAtMostKeepAreIdle() {
        VisitedTables tables = new VisitedTables(2);
        VertexTable small = tables.take(10);
        tables.give(small);
        VertexTable large = tables.take(1 << 20);
        assertThat(large).isNotSameAs(small);
        assertThat(large.universe()).isEqualTo(1 << 20);
        assertThat(tables.idle()).isZero();

        VertexTable a = tables.take(64);
        VertexTable b = tables.take(64);
        VertexTable c = tables.take(64);
        tables.give(a);
        tables.give(b);
        tables.give(c);
        assertThat(tables.idle()).isEqualTo(2);
        assertThat(tables.take(64)).isSameAs(a);
        assertThat(tables.take(64)).isSameAs(b);
        assertThat(tables.take(64)).isNotIn(a, b, c);
    }
}
