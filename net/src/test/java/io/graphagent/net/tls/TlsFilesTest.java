package io.graphagent.net.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.net.certs.BadCertificates;
import io.graphagent.net.certs.ClusterCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsFilesTest {

    private static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    Path dir;

    private BadCertificates bad;

    @BeforeEach
    void cluster() throws Exception {
        ClusterCertificates.init(dir, 1, List.of(), Duration.ofDays(30), CLOCK);
        bad = BadCertificates.in(dir, CLOCK);
    }

    private static TlsFiles files(BadCertificates.Paths paths) {
        return new TlsFiles(paths.ca(), paths.cert(), paths.key());
    }

    private static TlsProblem onlyProblem(TlsFiles files) {
        TlsFilesException e = catchThrowableOfType(TlsFilesException.class, () -> files.validate(CLOCK));
        assertThat(e).as("validation of %s", files).isNotNull();
        assertThat(e.getMessage()).isEqualTo(e.problem().message()).doesNotContain("\n");
        assertThat(e.problems()).hasSize(1);
        return e.problem();
    }

    @Test
    void fromDirFollowsTheCertsInitLayout() {
        TlsFiles files = TlsFiles.fromDir(dir, "agent-1");
        assertThat(files).isEqualTo(new TlsFiles(dir.resolve("ca.pem"), dir.resolve("agent-1.pem"),
                dir.resolve("agent-1-key.pem")));
    }

    @Test
    void missingFileIsNamedWithTheFix() throws Exception {
        Files.delete(dir.resolve("agent-1.pem"));
        TlsProblem problem = onlyProblem(TlsFiles.fromDir(dir, "agent-1"));
        assertThat(problem.kind()).isEqualTo(TlsProblem.Kind.MISSING);
        assertThat(problem.file()).isEqualTo(dir.resolve("agent-1.pem"));
        assertThat(problem.message()).isEqualTo("certificate file " + dir.resolve("agent-1.pem")
                + " does not exist: run `graphagent certs init --out DIR` and pass --certs DIR, or fix --cert");
    }

    @Test
    void everyMissingFileIsListed() {
        List<TlsProblem> problems = TlsFiles.fromDir(dir, "agent-7").problems(CLOCK);
        assertThat(problems).extracting(TlsProblem::file)
                .containsExactly(dir.resolve("agent-7.pem"), dir.resolve("agent-7-key.pem"));
    }

    @Test
    void nonPemCertificateIsNamed() throws Exception {
        Files.writeString(dir.resolve("agent-1.pem"), "this is not a certificate\n");
        TlsProblem problem = onlyProblem(TlsFiles.fromDir(dir, "agent-1"));
        assertThat(problem.kind()).isEqualTo(TlsProblem.Kind.NOT_PEM);
        assertThat(problem.cause()).isEqualTo(DisconnectCause.TLS_FILES_UNUSABLE);
        assertThat(problem.message()).startsWith("certificate file " + dir.resolve("agent-1.pem")
                + " holds no PEM certificate");
    }

    @Test
    void nonPemKeyIsNamed() throws Exception {
        Files.writeString(dir.resolve("agent-1-key.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        TlsProblem problem = onlyProblem(TlsFiles.fromDir(dir, "agent-1"));
        assertThat(problem.kind()).isEqualTo(TlsProblem.Kind.NOT_PEM);
        assertThat(problem.file()).isEqualTo(dir.resolve("agent-1-key.pem"));
        assertThat(problem.message()).contains("holds no PEM private key");
    }

    @Test
    void keyOfAnotherCertificateIsAMismatch() throws Exception {
        TlsProblem problem = onlyProblem(files(bad.keyMismatch("mismatch")));
        assertThat(problem.kind()).isEqualTo(TlsProblem.Kind.KEY_MISMATCH);
        assertThat(problem.message()).isEqualTo("key file " + dir.resolve("mismatch-key.pem")
                + " does not belong to the certificate CN=mismatch,O=graphagent in " + dir.resolve("mismatch.pem")
                + ": use the -key.pem written together with that certificate");
    }

    @Test
    void expiredCertificateIsNamedWithItsEndDate() throws Exception {
        TlsProblem problem = onlyProblem(files(bad.expired("old")));
        assertThat(problem.kind()).isEqualTo(TlsProblem.Kind.EXPIRED);
        assertThat(problem.cause()).isEqualTo(DisconnectCause.TLS_CERT_EXPIRED);
        assertThat(problem.message()).startsWith("certificate file " + dir.resolve("old.pem")
                + ": CN=old,O=graphagent expired at ").contains("graphagent certs init --overwrite");
    }

    @Test
    void notYetValidCertificatePointsAtTheClock() throws Exception {
        TlsProblem problem = onlyProblem(files(bad.notYetValid("early")));
        assertThat(problem.kind()).isEqualTo(TlsProblem.Kind.NOT_YET_VALID);
        assertThat(problem.message()).contains("CN=early,O=graphagent is valid only from").contains("clock");
    }

    @Test
    void certificateFromAnotherCaIsNotSignedByTheCa() throws Exception {
        TlsProblem problem = onlyProblem(files(bad.fromAnotherCa("stranger")));
        assertThat(problem.kind()).isEqualTo(TlsProblem.Kind.NOT_SIGNED_BY_CA);
        assertThat(problem.cause()).isEqualTo(DisconnectCause.TLS_UNKNOWN_CA);
        assertThat(problem.message()).startsWith("certificate file " + dir.resolve("stranger.pem")
                + ": CN=stranger,O=graphagent is issued by CN=other CA for stranger,O=graphagent, which is not the CA in "
                + dir.resolve("ca.pem"));
    }

    @Test
    void completeIntermediateChainValidates() throws Exception {
        TlsFiles files = files(bad.intermediateChain("chained", BadCertificates.ChainLayout.COMPLETE));
        assertThat(files.problems(CLOCK)).isEmpty();
    }

    @Test
    void chainWithoutItsIntermediateNamesTheFileThatHasIt() throws Exception {
        TlsProblem problem = onlyProblem(files(bad.intermediateChain("partial",
                BadCertificates.ChainLayout.MISSING_INTERMEDIATE)));
        assertThat(problem.kind()).isEqualTo(TlsProblem.Kind.CHAIN_INCOMPLETE);
        assertThat(problem.cause()).isEqualTo(DisconnectCause.TLS_CHAIN_INCOMPLETE);
        assertThat(problem.message()).isEqualTo("certificate file " + dir.resolve("partial.pem")
                + " lacks the intermediate CA CN=intermediate CA for partial,O=graphagent that links"
                + " CN=partial,O=graphagent to the trusted root: append " + dir.resolve("partial-intermediate.pem")
                + " to " + dir.resolve("partial.pem"));
    }

    @Test
    void chainWithoutItsIntermediateAndNoCopyNearbyCannotBeToldFromAnotherCa() throws Exception {
        BadCertificates.Paths paths = bad.intermediateChain("lost", BadCertificates.ChainLayout.MISSING_INTERMEDIATE);
        Files.delete(dir.resolve("lost-intermediate.pem"));
        TlsProblem problem = onlyProblem(files(paths));
        assertThat(problem.kind()).isEqualTo(TlsProblem.Kind.NOT_SIGNED_BY_CA);
        assertThat(problem.message()).contains("or append the intermediate CA CN=intermediate CA for lost");
    }

    @Test
    void chainOutOfOrderSaysToPutTheLeafFirst() throws Exception {
        TlsProblem problem = onlyProblem(files(bad.intermediateChain("shuffled", BadCertificates.ChainLayout.OUT_OF_ORDER)));
        assertThat(problem.kind()).isEqualTo(TlsProblem.Kind.CHAIN_OUT_OF_ORDER);
        assertThat(problem.message()).isEqualTo("certificate file " + dir.resolve("shuffled.pem")
                + " lists its certificates out of order (first is CN=intermediate CA for shuffled,O=graphagent):"
                + " put the leaf CN=shuffled,O=graphagent first, then each issuer up to the root");
    }

    @Test
    void wrongHostnameIsNotAFileProblem() throws Exception {
        assertThat(files(bad.wrongHostname("elsewhere", "elsewhere.example")).problems(CLOCK)).isEmpty();
    }

    @Test
    void theExceptionCarriesItsCauseForTheClassifier() {
        TlsFilesException e = catchThrowableOfType(TlsFilesException.class,
                () -> TlsFiles.fromDir(dir, "nobody").validate(CLOCK));
        assertThat(FailureClassifier.classify(e)).isEqualTo(DisconnectCause.TLS_FILES_UNUSABLE);
    }

    @Test
    void strictContextsRefuseBadFilesAndLoadOnlyContextsTakeThem() throws Exception {
        TlsFiles expired = files(bad.expired("stale"));
        TlsFilesException e = catchThrowableOfType(TlsFilesException.class, () -> TlsContexts.server(expired));
        assertThat(e.problem().kind()).isEqualTo(TlsProblem.Kind.EXPIRED);
        assertThat(TlsContexts.server(expired, TlsContexts.Engine.JDK, TlsContexts.FileCheck.LOAD_ONLY).isServer())
                .isTrue();
        assertThat(TlsContexts.client(TlsFiles.fromDir(dir, "agent-1")).isClient()).isTrue();
    }
}
