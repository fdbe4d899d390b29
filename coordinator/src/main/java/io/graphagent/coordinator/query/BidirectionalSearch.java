package io.graphagent.coordinator.query;

import io.graphagent.coordinator.resident.GraphView;
import io.graphagent.graph.traverse.VertexTable;
import io.graphagent.protocol.v1.Direction;
import io.graphagent.protocol.v1.PathReply;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An unweighted shortest path by bidirectional breadth-first search: a search forward from the
 * source over the asked direction and one backward from the target against it, each level of
 * the side with the smaller frontier expanded in one hop. After the first level in which the
 * two searches meet, the meeting vertex with the least sum of distances (ties: the smallest
 * id) gives a shortest path (e.g. Pohl, "Bi-directional search", Machine Intelligence 6, 1971).
 * Each side touches about the square root of what one search from the source would. One query;
 * not thread-safe.
 */
final class BidirectionalSearch {
    /** Names the path's vertices by their original ids. */
    @FunctionalInterface
    interface Namer {
        long[] originals(int[] dense) throws QueryException;
    }

    private final ShardCalls calls;
    private final QueryRun run;
    private final GraphView graph;
    private final Direction direction;
    private final int maxDepth;
    private final int maxVertices;

    BidirectionalSearch(ShardCalls calls, QueryRun run, GraphView graph, Direction direction, int maxDepth, int maxVertices) {
        this.calls = calls;
        this.run = run;
        this.graph = graph;
        this.direction = direction;
        this.maxDepth = maxDepth;
        this.maxVertices = maxVertices;
    }

    /** One side of the search: what it reached (with parents) and where each level ends. */
    private static final class Side {
        final VertexTable reached = new VertexTable();
        final List<Integer> levelEnds = new ArrayList<>();
        final Direction direction;

        Side(int start, Direction direction) {
            reached.add(start, start);
            levelEnds.add(1);
            this.direction = direction;
        }

        int frontierSize() {
            int n = levelEnds.size();
            return levelEnds.get(n - 1) - (n == 1 ? 0 : levelEnds.get(n - 2));
        }

        int[] frontier() {
            int n = levelEnds.size();
            return Arrays.copyOfRange(reached.vertices(), n == 1 ? 0 : levelEnds.get(n - 2), levelEnds.get(n - 1));
        }

        int depth() {
            return levelEnds.size() - 1;
        }

        /** Distance of a reached vertex from this side's start. */
        int distance(int vertex) {
            int index = reached.indexOf(vertex);
            int level = 0;
            while (levelEnds.get(level) <= index) {
                level++;
            }
            return level;
        }

        /** The path from this side's start to {@code vertex}, start first. */
        List<Integer> pathTo(int vertex) {
            List<Integer> path = new ArrayList<>();
            int v = vertex;
            path.add(v);
            while (true) {
                int parent = reached.parentOf(v);
                if (parent == v) {
                    break;
                }
                path.add(parent);
                v = parent;
            }
            java.util.Collections.reverse(path);
            return path;
        }
    }

    PathReply.Builder between(int s, int t, long from, long to, Namer namer) throws QueryException {
        if (s == t) {
            return PathReply.newBuilder().setFound(true).setConnected(true).addPath(from).setLength(0);
        }
        Side forward = new Side(s, direction);
        Side backward = new Side(t, reverse(direction));
        while (forward.depth() + backward.depth() < maxDepth) {
            Side near = forward.frontierSize() <= backward.frontierSize() ? forward : backward;
            Side far = near == forward ? backward : forward;
            if (near.frontierSize() == 0) {
                break;
            }
            int[] frontier = near.frontier();
            int[] best = {-1, Integer.MAX_VALUE};
            int nextDepth = near.depth() + 1;
            calls.expand(run, graph, frontier, frontier.length, near.direction, true, (n, parent) -> {
                if (!near.reached.add(n, parent)) {
                    return;
                }
                if (forward.reached.size() + backward.reached.size() > maxVertices) {
                    throw QueryGateway.tooLarge(graph, from, "searched for a path to " + to);
                }
                if (far.reached.contains(n)) {
                    int length = nextDepth + far.distance(n);
                    if (length < best[1] || (length == best[1] && n < best[0])) {
                        best[0] = n;
                        best[1] = length;
                    }
                }
            });
            near.levelEnds.add(near.reached.size());
            if (best[0] >= 0) {
                List<Integer> path = new ArrayList<>(forward.pathTo(best[0]));
                List<Integer> back = backward.pathTo(best[0]);
                for (int i = back.size() - 2; i >= 0; i--) {
                    path.add(back.get(i));
                }
                long[] ids = namer.originals(path.stream().mapToInt(Integer::intValue).toArray());
                PathReply.Builder reply = PathReply.newBuilder().setFound(true).setConnected(true).setLength(path.size() - 1);
                for (long id : ids) {
                    reply.addPath(id);
                }
                return reply;
            }
        }
        return PathReply.newBuilder().setFound(true).setConnected(false).setMessage("no path from " + from + " to " + to
                + " of at most " + maxDepth + " edges in graph " + graph.name());
    }

    static Direction reverse(Direction d) {
        return switch (d) {
            case EDGES_IN -> Direction.EDGES_OUT;
            case EDGES_BOTH -> Direction.EDGES_BOTH;
            default -> Direction.EDGES_IN;
        };
    }
}
