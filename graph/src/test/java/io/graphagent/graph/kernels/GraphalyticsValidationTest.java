package io.graphagent.graph.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.load.GraphProperties;
import io.graphagent.graph.output.ResultComparator;
import io.graphagent.graph.pregel.EngineOptions;
import io.graphagent.graph.pregel.PregelEngine;
import io.graphagent.graph.pregel.PregelResult;
import io.graphagent.graph.pregel.ProgressListener;
import io.graphagent.graph.testing.Datasets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every Graphalytics validation case, on several thread and partition counts, against its expected output. */
class GraphalyticsValidationTest {

    static Stream<Arguments> casesAndLayouts() {
        List<EngineOptions> layouts = List.of(new EngineOptions(1, 1), new EngineOptions(2, 3), new EngineOptions(4, 16));
        return Datasets.cases().stream().flatMap(c -> layouts.stream().map(o -> Arguments.of(c, o)));
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("casesAndLayouts")
    void kernelMatchesGraphalyticsExpectedOutput(Datasets.Case c, EngineOptions options) throws Exception {
        Graph graph = Datasets.load(c.prefix(), options.threads());
        Algorithm algorithm = Algorithm.parse(c.kernel());
        Kernel kernel = Kernels.create(algorithm, graph, parameters(c, algorithm));

        PregelResult result = PregelEngine.run(graph, kernel.program(), options, ProgressListener.NONE);

        Map<Long, String> actual = new HashMap<>();
        for (int v = 0; v < graph.numVertices(); v++) {
            actual.put(graph.originalId(v), kernel.format(result.values()[v]));
        }
        List<ResultComparator.Mismatch> mismatches =
                ResultComparator.compare(c.expected(), actual, ResultComparator.Rule.forKernel(c.kernel()));
        assertThat(mismatches).as("mismatches of %s", c).isEmpty();
    }

    static KernelParameters parameters(Datasets.Case c, Algorithm algorithm) throws Exception {
        GraphProperties p = GraphProperties.forPrefix(c.prefix());
        long source = (algorithm == Algorithm.SSSP ? p.ssspSource() : p.bfsSource()).orElse(-1);
        int iterations = algorithm == Algorithm.CDLP ? p.cdlpIterations().orElseThrow()
                : p.prIterations().orElse(20);
        return new KernelParameters(source, iterations, p.damping().orElse(0.85));
    }
}
