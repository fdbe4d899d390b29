package io.graphagent.examples;

import io.graphagent.api.MessageType;
import io.graphagent.api.Messages;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.Vertex;
import io.graphagent.api.VertexProgram;

/**
 * Triangle count per vertex: how many triangles (three vertices pairwise joined) each vertex
 * belongs to, with edge direction, self-loops and repeated edges ignored.
 *
 * <p>Each triangle u &lt; v &lt; w (dense ids) is found once, at w, in four supersteps (after
 * Suri and Vassilvitskii, "Counting triangles and the curse of the last reducer", WWW 2011):
 * 0: every u sends its id to its higher neighbours v; 1: every v forwards each lower u it
 * heard, packed with its own id in one long, to its higher neighbours w; 2: w checks whether u
 * is its neighbour, counts the triangle and tells u and v; 3: u and v add what they were told.
 * Messages: the paths u &lt; v &lt; w, plus two per triangle. One long per vertex, long
 * messages, no combiner (each message is one path), no parameters; output: the count.
 */
public final class TriangleCount implements VertexProgram {

    @Override
    public ProgramShape shape() {
        return ProgramShape.builder().doubles(0).longs(1).messages(MessageType.LONG).maxSupersteps(4).build();
    }

    @Override
    public void compute(Vertex vertex, Messages messages) {
        int self = vertex.id();
        switch (vertex.superstep()) {
            case 0 -> Neighbours.forEach(vertex, v -> {
                if (v > self) {
                    vertex.sendLongMessage(v, self);
                }
            });
            case 1 -> {
                while (messages.hasNext()) {
                    long path = (messages.nextLong() << 32) | self;
                    Neighbours.forEach(vertex, w -> {
                        if (w > self) {
                            vertex.sendLongMessage(w, path);
                        }
                    });
                }
            }
            case 2 -> {
                long found = 0;
                while (messages.hasNext()) {
                    long path = messages.nextLong();
                    int u = (int) (path >>> 32);
                    int v = (int) path;
                    if (Neighbours.contains(vertex, u)) {
                        found++;
                        vertex.sendLongMessage(u, 1);
                        vertex.sendLongMessage(v, 1);
                    }
                }
                vertex.setLong(0, found);
            }
            default -> {
                long told = 0;
                while (messages.hasNext()) {
                    told += messages.nextLong();
                }
                vertex.setLong(0, vertex.getLong(0) + told);
            }
        }
        if (vertex.superstep() >= 2) {
            vertex.voteToHalt();
        }
    }
}
