package io.graphagent.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.UserPrograms;
import io.graphagent.graph.program.JarStore;
import io.graphagent.protocol.v1.FieldError;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.ProgramRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the coordinator checks of a user program at Submit, before any agent sees the job. */
class JobProgramTest {
    @TempDir
    Path dir;
    private JarStore jars;
    private String sha;

    @BeforeEach
    void storeAJar() throws Exception {
        Path jar = dir.resolve("program.jar");
        String entry = StepsProgram.class.getName().replace('.', '/') + ".class";
        String other = JobProgramTest.class.getName().replace('.', '/') + ".class";
        Path classes = Path.of(StepsProgram.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String e : List.of(entry, other)) {
                out.putNextEntry(new JarEntry(e));
                Files.copy(classes.resolve(e), out);
                out.closeEntry();
            }
        }
        jars = new JarStore(dir.resolve("programs"));
        sha = JarStore.sha256(jar);
        byte[] bytes = Files.readAllBytes(jar);
        try (JarStore.Incoming in = jars.receive(sha, bytes.length, JarStore.MAX_JAR_BYTES)) {
            in.write(0, bytes);
            in.commit();
        }
    }

    private JobSpec spec(String className, Map<String, String> parameters) {
        return JobSpec.newBuilder().setProgram(ProgramRef.newBuilder().setClassName(className).setJarSha256(sha))
                .putAllProgramParameters(parameters).build();
    }

    private List<FieldError> refusal(JobSpec spec, UserPrograms policy) {
        List<FieldError> errors = new ArrayList<>();
        assertThat(JobProgram.check(spec, jars, policy, errors)).isNull();
        return errors;
    }

    private static String only(List<FieldError> errors) {
        assertThat(errors).hasSize(1);
        return errors.get(0).getField() + ": " + errors.get(0).getMessage();
    }

    @Test
    void aProgramThatLoadsAndConfiguresPassesAndOpensAgainForTheJob() throws Exception {
        List<FieldError> errors = new ArrayList<>();
        try (JobProgram program = JobProgram.check(spec(StepsProgram.class.getName(), Map.of("steps", "5", "weight", "0.5")),
                jars, UserPrograms.ALLOW, errors)) {
            assertThat(errors).isEmpty();
            assertThat(program.parameters()).containsExactlyInAnyOrderEntriesOf(Map.of("steps", "5", "weight", "0.5"));
            var opened = program.open();
            assertThat(opened.shape().doubleFields()).isEqualTo(2);
            assertThat(opened.shape().maxSupersteps()).isEqualTo(5);
            assertThat(opened.getClass().getClassLoader()).as("a class loader of the job's own")
                    .isNotSameAs(StepsProgram.class.getClassLoader());
        }
    }

    @Test
    void aMissingOrIllTypedOrUnreadParameterIsRefusedNamingTheKey() {
        assertThat(only(refusal(spec(StepsProgram.class.getName(), Map.of()), UserPrograms.ALLOW)))
                .isEqualTo("parameters: parameter 'steps' is required but not given: pass --param steps=VALUE");
        assertThat(only(refusal(spec(StepsProgram.class.getName(), Map.of("steps", "x")), UserPrograms.ALLOW)))
                .isEqualTo("parameters: parameter 'steps' = 'x' is not a whole number (long): pass e.g. --param steps=42");
        assertThat(only(refusal(spec(StepsProgram.class.getName(), Map.of("steps", "3", "weight", "heavy")), UserPrograms.ALLOW)))
                .isEqualTo("parameters: parameter 'weight' = 'heavy' is not a number (double): pass e.g. --param weight=0.85");
        assertThat(only(refusal(spec(StepsProgram.class.getName(), Map.of("steps", "3", "stepz", "4")), UserPrograms.ALLOW)))
                .startsWith("parameters: parameter 'stepz' is not one " + StepsProgram.class.getName() + " reads");
    }

    @Test
    void aMissingClassOrOneThatIsNoProgramIsRefused() {
        assertThat(only(refusal(spec("com.example.Nope", Map.of()), UserPrograms.ALLOW)))
                .startsWith("program: class com.example.Nope is not in ");
        assertThat(only(refusal(spec(JobProgramTest.class.getName(), Map.of()), UserPrograms.ALLOW)))
                .startsWith("program: class " + JobProgramTest.class.getName() + " in ")
                .contains("does not implement io.graphagent.api.VertexProgram");
    }

    @Test
    void aJarTheCoordinatorDoesNotHoldOrADenyingClusterIsRefused() {
        JobSpec unknown = JobSpec.newBuilder().setProgram(ProgramRef.newBuilder().setClassName(StepsProgram.class.getName())
                .setJarSha256("0".repeat(64))).putProgramParameters("steps", "1").build();
        assertThat(only(refusal(unknown, UserPrograms.ALLOW))).isEqualTo("program: the coordinator holds no jar with SHA-256 "
                + "0".repeat(64) + ": upload it first (graphagent submit --program does)");
        assertThat(only(refusal(spec(StepsProgram.class.getName(), Map.of("steps", "1")), UserPrograms.DENY)))
                .startsWith("program: this cluster runs no user programs (job.user-programs: deny on the coordinator)");
    }
}
