package io.graphagent.graph.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.api.ParameterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgramRegistryTest {

    @Test
    void builtInsAreFoundByNameInAnyCaseAndAnUnknownNameListsTheChoices() {
        assertThat(ProgramRegistry.builtIn("PR")).isInstanceOf(PageRank.class);
        assertThat(ProgramRegistry.builtIn(" wcc ")).isInstanceOf(Wcc.class);
        assertThat(ProgramRegistry.builtIn("bfs")).isNotSameAs(ProgramRegistry.builtIn("bfs"));
        assertThatThrownBy(() -> ProgramRegistry.builtIn("hits"))
                .hasMessage("unknown program 'hits': choose one of bfs, cdlp, lcc, pagerank, pr, sssp, wcc, or give a jar and a class");
    }

    @Test
    void configureReadsTypedParametersAndTheShapeFollowsThem() {
        PageRank pr = new PageRank();
        var shape = ProgramRegistry.configure(pr, new ParameterMap(Map.of("iterations", "4", "damping", "0.5")), "pr");
        assertThat(shape.maxSupersteps()).isEqualTo(5);
        assertThat(shape.aggregatorCount()).isEqualTo(1);
    }

    @Test
    void aMissingIllTypedOrUnreadParameterIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> ProgramRegistry.configure(new Bfs(), new ParameterMap(Map.of()), "bfs"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("parameter 'source' is required");
        assertThatThrownBy(() -> ProgramRegistry.configure(new PageRank(), new ParameterMap(Map.of("damping", "high")), "pr"))
                .isInstanceOf(ParameterException.class)
                .hasMessage("parameter 'damping' = 'high' is not a number (double): pass e.g. --param damping=0.85");
        assertThatThrownBy(() -> ProgramRegistry.configure(new PageRank(), new ParameterMap(Map.of("dampnig", "0.8")), "pr"))
                .isInstanceOf(ParameterException.class)
                .hasMessage("parameter 'dampnig' is not one pr reads (it reads damping, iterations): check its spelling or drop it");
        assertThatThrownBy(() -> ProgramRegistry.configure(new PageRank(), new ParameterMap(Map.of("damping", "2")), "pr"))
                .hasMessageContaining("damping factor 2.0 is outside [0, 1]");
    }

    @Test
    void pairsWithoutAnEqualsSignOrGivenTwiceAreRefused() {
        assertThatThrownBy(() -> ParameterMap.parse(List.of("source")))
                .hasMessage("parameter 'source' is not key=value: pass e.g. --param source=1");
        assertThatThrownBy(() -> ParameterMap.parse(List.of("k=1", "k=2")))
                .hasMessage("parameter 'k' is given twice: pass it once");
        assertThat(ParameterMap.parse(List.of("name=a=b")).getString("name")).isEqualTo("a=b");
    }

    @Test
    void aJarThatIsMissingOrNotAJarIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("none.jar");
        assertThatThrownBy(() -> ProgramRegistry.load(missing, "a.B"))
                .isInstanceOf(ProgramLoadException.class).hasMessageStartingWith("program jar " + missing + ": no such file");
        Path text = Files.writeString(dir.resolve("p.jar"), "hello");
        assertThatThrownBy(() -> ProgramRegistry.load(text, "a.B"))
                .isInstanceOf(ProgramLoadException.class).hasMessageStartingWith("program jar " + text + " is not a jar");
    }
}
