package io.graphagent.graph.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.graph.output.ResultComparator.Mismatch;
import io.graphagent.graph.output.ResultComparator.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultComparatorTest {
    @TempDir
    Path dir;

    static Map<Long, String> values(Object... idValue) {
        Map<Long, String> m = new LinkedHashMap<>();
        for (int i = 0; i < idValue.length; i += 2) {
            m.put(((Number) idValue[i]).longValue(), idValue[i + 1].toString());
        }
        return m;
    }

    @Test
    void exactRuleComparesLargeIntegersExactly() {
        var expected = values(1, "0", 2, "9223372036854775807");

        assertThat(ResultComparator.compare(expected, values(1, "0", 2, "9223372036854775807"), Rule.EXACT)).isEmpty();
        assertThat(ResultComparator.compare(expected, values(1, "0", 2, "9223372036854775806"), Rule.EXACT))
                .extracting(Mismatch::vertexId).containsExactly(2L);
    }

    @Test
    void equivalenceRuleAcceptsRelabelledComponents() {
        var expected = values(1, 1, 2, 1, 3, 3, 4, 3);

        assertThat(ResultComparator.compare(expected, values(1, 7, 2, 7, 3, 9, 4, 9), Rule.EQUIVALENCE)).isEmpty();
    }

    @Test
    void equivalenceRuleRejectsMergedAndSplitComponents() {
        var expected = values(1, 1, 2, 1, 3, 3);

        assertThat(ResultComparator.compare(expected, values(1, 1, 2, 1, 3, 1), Rule.EQUIVALENCE)).hasSize(1);
        assertThat(ResultComparator.compare(expected, values(1, 1, 2, 2, 3, 3), Rule.EQUIVALENCE)).hasSize(1);
    }

    @Test
    void relativeRuleAllowsOneInTenThousand() {
        var expected = values(1, "1.000000000000000e-01", 2, "0.000000000000000e+00");

        assertThat(ResultComparator.compare(expected, values(1, "0.100009", 2, "0"), Rule.RELATIVE_1E4)).isEmpty();
        assertThat(ResultComparator.compare(expected, values(1, "0.10002", 2, "0"), Rule.RELATIVE_1E4))
                .extracting(Mismatch::vertexId).containsExactly(1L);
    }

    @Test
    void infinityMatchesInfinityInAnyCaseButNoNumber() {
        var expected = values(1, "Infinity");

        assertThat(ResultComparator.compare(expected, values(1, "infinity"), Rule.RELATIVE_1E4)).isEmpty();
        assertThat(ResultComparator.compare(expected, values(1, "1e300"), Rule.RELATIVE_1E4)).hasSize(1);
        assertThat(ResultComparator.compare(values(1, "2.5"), values(1, "infinity"), Rule.RELATIVE_1E4)).hasSize(1);
    }

    @Test
    void missingAndExtraVerticesAreMismatches() {
        List<Mismatch> m = ResultComparator.compare(values(1, 0, 2, 0), values(1, 0, 3, 0), Rule.EXACT);

        assertThat(m).extracting(Mismatch::vertexId).containsExactly(2L, 3L);
        assertThat(m.get(0).actual()).isNull();
        assertThat(m.get(1).expected()).isNull();
    }

    @Test
    void comparesFilesWithTabsAndBlankLines() throws IOException {
        Path expected = Files.writeString(dir.resolve("expected"), "1 0.5\n2 Infinity\n");
        Path actual = Files.writeString(dir.resolve("actual"), "1\t0.50001\n\n2 infinity\n");

        assertThat(ResultComparator.compare(expected, actual, Rule.RELATIVE_1E4)).isEmpty();
    }

    @Test
    void kernelsMapToTheGraphalyticsRules() {
        assertThat(Rule.forKernel("BFS")).isEqualTo(Rule.EXACT);
        assertThat(Rule.forKernel("CDLP")).isEqualTo(Rule.EXACT);
        assertThat(Rule.forKernel("WCC")).isEqualTo(Rule.EQUIVALENCE);
        assertThat(Rule.forKernel("PR")).isEqualTo(Rule.RELATIVE_1E4);
        assertThat(Rule.forKernel("lcc")).isEqualTo(Rule.RELATIVE_1E4);
        assertThat(Rule.forKernel("SSSP")).isEqualTo(Rule.RELATIVE_1E4);
    }
}
