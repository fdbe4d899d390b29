package io.graphagent.examples;

import io.graphagent.api.Vertex;
import java.util.function.IntUnaryOperator;

/**
 * The distinct neighbours of a vertex with direction ignored and itself excluded: the merge of
 * its sorted out- and in-neighbour lists. Shared by the examples that treat a graph as simple
 * and undirected; allocation-free.
 */
final class Neighbours {
    private Neighbours() {
    }

    /** Calls {@code action} with each distinct neighbour, ascending. */
    static void forEach(Vertex vertex, java.util.function.IntConsumer action) {
        int self = vertex.id();
        int out = vertex.outDegree();
        int in = vertex.directed() ? vertex.inDegree() : 0;
        int i = 0;
        int j = 0;
        int last = -1;
        while (i < out || j < in) {
            int next;
            if (j >= in || (i < out && vertex.outNeighbor(i) <= vertex.inNeighbor(j))) {
                next = vertex.outNeighbor(i++);
            } else {
                next = vertex.inNeighbor(j++);
            }
            if (next != self && next != last) {
                action.accept(next);
                last = next;
            }
        }
    }

    static int distinctCount(Vertex vertex) {
        int[] count = {0};
        forEach(vertex, u -> count[0]++);
        return count[0];
    }

    static void sendToDistinct(Vertex vertex, long message) {
        forEach(vertex, u -> vertex.sendLongMessage(u, message));
    }

    /** Whether {@code target} is a distinct neighbour (binary search in both sorted lists). */
    static boolean contains(Vertex vertex, int target) {
        if (target == vertex.id()) {
            return false;
        }
        return sortedContains(vertex.outDegree(), vertex::outNeighbor, target)
                || (vertex.directed() && sortedContains(vertex.inDegree(), vertex::inNeighbor, target));
    }

    /** Binary search for {@code target} among {@code at(0) .. at(size - 1)}, ascending. */
    private static boolean sortedContains(int size, IntUnaryOperator at, int target) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int x = at.applyAsInt(mid);
            if (x < target) {
                lo = mid + 1;
            } else if (x > target) {
                hi = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }
}
