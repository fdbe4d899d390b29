package io.graphagent.graph.kernels;

import java.util.Locale;

/** The six LDBC Graphalytics kernels. */
public enum Algorithm {
    BFS("bfs", "BFS", true, false),
    PAGERANK("pagerank", "PR", false, false),
    WCC("wcc", "WCC", false, false),
    CDLP("cdlp", "CDLP", false, false),
    LCC("lcc", "LCC", false, false),
    SSSP("sssp", "SSSP", true, true);

    private final String cliName;
    private final String graphalyticsName;
    private final boolean needsSource;
    private final boolean needsWeights;

    Algorithm(String cliName, String graphalyticsName, boolean needsSource, boolean needsWeights) {
        this.cliName = cliName;
        this.graphalyticsName = graphalyticsName;
        this.needsSource = needsSource;
        this.needsWeights = needsWeights;
    }

    /** Parses bfs, pagerank (or pr), wcc, cdlp, lcc, sssp, in any case. */
    public static Algorithm parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (Algorithm a : values()) {
            if (a.cliName.equals(key) || a.graphalyticsName.toLowerCase(Locale.ROOT).equals(key)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown algorithm '" + name
                + "': choose one of bfs, pagerank, wcc, cdlp, lcc, sssp");
    }

    public String cliName() { return cliName; }

    /** The kernel's name in Graphalytics files (BFS, PR, WCC, CDLP, LCC, SSSP). */
    public String graphalyticsName() { return graphalyticsName; }

    public boolean needsSource() { return needsSource; }

    public boolean needsWeights() { return needsWeights; }
}
