package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.coordinator.etcd.EtcdFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code doctor --etcd} against a real etcd: each member, the quorum, the leader; a dead endpoint named. */
class DoctorEtcdTest {

    @Test
    void namesEachMemberTheQuorumAndThatNoCoordinatorLeads() throws Exception {
        String url = EtcdFixture.shared().endpoints();
        Cli.Result result = Cli.run("doctor", "--etcd", url + ",http://127.0.0.1:1", "--etcd-insecure");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.out()).contains("PASS").contains("etcd-client").contains("plaintext (--etcd-insecure)")
                .contains("etcd-member " + url).contains("etcd-member http://127.0.0.1:1")
                .contains("etcd-quorum").contains("1 of 2 members answer")
                .contains("etcd-leader").contains("no coordinator of cluster graphagent leads");
        // The dead endpoint's line, by its whole URL: the live member's port may start with 1 too (http://127.0.0.1:12833).
        assertThat(result.out().lines().filter(l -> List.of(l.split("\\s+")).contains("http://127.0.0.1:1")).findFirst()
                .orElseThrow()).startsWith("FAIL");
    }

    @Test
    void plaintextEndpointsWithoutTheInsecureFlagAreRefusedWithTheFix() throws Exception {
        Cli.Result result = Cli.run("doctor", "--etcd", EtcdFixture.shared().endpoints());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.out()).contains("FAIL").contains("are plaintext (http://)").contains("--etcd-insecure");
    }
}
